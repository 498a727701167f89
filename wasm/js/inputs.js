// Turns whatever a caller hands to classify() into one of two things the
// engine takes: encoded file bytes (decoded by the engine itself, the same in
// every environment) or RGBA pixels with their size.

export const isInstance = (value, name) => typeof globalThis[name] === 'function' && value instanceof globalThis[name];

function toUint8(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

// Draws a drawable (image element, canvas, bitmap, video frame) at its natural
// size and reads back RGBA.
export function pixelsOfDrawable(drawable) {
  const width = drawable.naturalWidth || drawable.videoWidth || drawable.displayWidth || drawable.width;
  const height = drawable.naturalHeight || drawable.videoHeight || drawable.displayHeight || drawable.height;
  if (!width || !height) throw new Error('The image has no pixels yet (is it loaded?)');
  const canvas = typeof OffscreenCanvas === 'function'
    ? new OffscreenCanvas(width, height)
    : Object.assign(document.createElement('canvas'), { width, height });
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(drawable, 0, 0, width, height);
  const { data } = context.getImageData(0, 0, width, height);
  return { kind: 'rgba', data, width, height };
}

// Resolves to { kind: 'encoded', bytes } or { kind: 'rgba', data, width, height }.
export async function toEngineInput(input) {
  if (input == null) throw new TypeError('classify() needs an image');
  const bytes = toUint8(input);
  if (bytes) return { kind: 'encoded', bytes };
  if (isInstance(input, 'Blob')) return { kind: 'encoded', bytes: new Uint8Array(await input.arrayBuffer()), blob: input };
  if (isInstance(input, 'ImageData')) return { kind: 'rgba', data: input.data, width: input.width, height: input.height };
  if (isInstance(input, 'HTMLImageElement') && !input.complete) {
    await input.decode();
  }
  for (const name of ['HTMLImageElement', 'HTMLCanvasElement', 'ImageBitmap', 'OffscreenCanvas', 'HTMLVideoElement', 'VideoFrame']) {
    if (isInstance(input, name)) return pixelsOfDrawable(input);
  }
  if (typeof input === 'object' && 'data' in input && 'width' in input && 'height' in input) {
    const { width, height } = input;
    const data = toUint8(input.data);
    if (!data) throw new TypeError('{ data, width, height }: data must be a Uint8Array or Uint8ClampedArray of RGBA pixels');
    // The engine reads width * height * 4 bytes: never past the copy of data.
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 ||
        data.byteLength !== width * height * 4) {
      throw new RangeError(`{ data, width, height }: ${width}x${height} RGBA needs ${width * height * 4} bytes, data has ${data.byteLength}`);
    }
    return { kind: 'rgba', data, width, height };
  }
  throw new TypeError('Unsupported input: pass an image element, canvas, ImageBitmap, ImageData, Blob/File, ' +
    'encoded image bytes (ArrayBuffer, Uint8Array, Buffer) or { data, width, height } RGBA pixels');
}

// When the engine cannot decode a Blob (e.g. WebP or AVIF), the browser may.
export async function browserDecode(blob) {
  if (typeof createImageBitmap !== 'function') return null;
  try {
    const bitmap = await createImageBitmap(blob);
    try {
      return pixelsOfDrawable(bitmap);
    } finally {
      bitmap.close?.();
    }
  } catch {
    return null;
  }
}
