// Taking a photo. Phones and tablets get their own camera app through
// <input capture>, which also handles focus, flash and orientation. Desktops
// with a webcam get a live preview in a dialog (getUserMedia); without
// getUserMedia the same input falls back to a file picker.

const CAMERA_ERRORS = {
  NotAllowedError: 'Camera access was denied. Allow it in the browser’s site settings, or choose a photo instead.',
  NotFoundError: 'No camera was found on this device. Choose a photo instead.',
  NotReadableError: 'The camera is in use by another application.',
};

function photoFromVideo(video) {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d').drawImage(video, 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => {
    if (!blob) return reject(new Error('The camera gave no picture.'));
    const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
    resolve(new File([blob], `camera-${stamp}.jpg`, { type: 'image/jpeg' }));
  }, 'image/jpeg', 0.92));
}

/**
 * Wires the "Take a photo" button. onPhotos(files) receives the pictures taken;
 * onError(message) is told why the camera could not be used.
 */
export function setUpCamera({ button, captureInput, dialog, video, shutter, cancel, onPhotos, onError }) {
  const preferNativeCamera = matchMedia('(pointer: coarse)').matches || !navigator.mediaDevices?.getUserMedia;
  let stream = null;

  function stopStream() {
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
  }

  captureInput.addEventListener('change', () => {
    onPhotos([...captureInput.files]);
    captureInput.value = '';
  });

  button.addEventListener('click', async () => {
    if (preferNativeCamera) return captureInput.click();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch (error) {
      onError(CAMERA_ERRORS[error?.name] ?? `The camera could not be started (${error?.message ?? error}).`);
      return;
    }
    video.srcObject = stream;
    dialog.showModal();
  });

  shutter.addEventListener('click', async () => {
    try {
      onPhotos([await photoFromVideo(video)]);
    } catch (error) {
      onError(error.message);
    }
    dialog.close();
  });
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', stopStream);
}
