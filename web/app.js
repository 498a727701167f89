// The demo page: photos in (picker, drop, paste, camera), top-5 guesses out.
// The model runs in the package's Web Worker (loadInWorker), so loading it and
// decoding large photos never block the page.
import { LABEL_FILES, MODELS } from '/models/registry.js';
import { loadInWorker } from '/wasm/js/index.js';
import { setUpCamera } from './camera.js';

// Not the registry's default (MobileNet V2): this one is the most confident
// of the shared photos (military uniform, cat, macaw) and still fast.
const DEFAULT_MODEL = 'mobilenet_v3_large_minimalistic_1.0_224_quant';
const STORAGE_KEY = 'mobilenet-demo.model';
const SLOW_AFTER_MS = 1500;
const TOP_K = 5;

const $ = (id) => document.getElementById(id);
const ui = {
  modelSelect: $('model-select'),
  modelStatus: $('model-status'),
  modelStatusText: $('model-status-text'),
  modelProgress: $('model-progress'),
  notice: $('notice'),
  chooseButton: $('choose-button'),
  cameraButton: $('camera-button'),
  fileInput: $('file-input'),
  results: $('results'),
  grid: $('grid'),
  clearButton: $('clear-button'),
  announcer: $('announcer'),
  engineLine: $('engine-line'),
  dropOverlay: $('drop-overlay'),
  cardTemplate: $('card-template'),
  predictionTemplate: $('prediction-template'),
};

// ---- small formatting helpers ----------------------------------------------

const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const duration = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

function percent(probability) {
  if (probability < 0.001) return '<0.1%';
  return `${(probability * 100).toFixed(probability < 0.1 ? 1 : 0)}%`;
}

// ImageNet labels list synonyms: "academic gown, academic robe, judge's robe".
function splitLabel(label) {
  const [name, ...aliases] = (label || '').split(', ');
  return { name: name || '(unnamed class)', aliases: aliases.join(', ') };
}

const capitalize = (text) => text.charAt(0).toUpperCase() + text.slice(1);

// ---- messages a person can act on -------------------------------------------

const FORMATS = 'JPEG, PNG, WebP, BMP or GIF';

// Turns an engine error about a photo into { title, detail }.
function explainPhotoError(message) {
  let match;
  if ((match = /= ([\d.]+) megapixels, over the limit of ([\d.]+)/.exec(message))) {
    return { title: 'This image is too large',
             detail: `It has ${match[1]} megapixels; the limit is ${match[2]}. Scale it down and try again.` };
  }
  if (/sides over \d+ are not supported/.test(message)) {
    return { title: 'This image is too large', detail: `${capitalize(message)}. Scale it down and try again.` };
  }
  if (/not a recognised image format/.test(message)) {
    return { title: 'This file is not an image', detail: `This page reads photos: ${FORMATS}.` };
  }
  if (/images are not supported/.test(message)) {
    return { title: 'This image format is not supported', detail: `${capitalize(message)}.` };
  }
  if (/corrupt|truncated|ends early/.test(message)) {
    return { title: 'This image is damaged',
             detail: `Its data is corrupt or cut short (${message}). Try saving or exporting it again.` };
  }
  if (/image data is empty/.test(message)) return { title: 'This file is empty', detail: 'It has no data (0 bytes).' };
  if (/memory/i.test(message)) return { title: 'Not enough memory for this image', detail: message };
  return { title: 'This photo could not be classified', detail: message };
}

// Recognises documents people pick by mistake, before sending them to the engine.
async function sniffNonImage(file) {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const text = String.fromCharCode(...head);
  if (text.startsWith('%PDF-')) {
    return { title: 'This is a PDF, not a photo',
             detail: `Choose a photo (${FORMATS}), or take a screenshot of the page you want to classify.` };
  }
  return null;
}

function showNotice(title, detail, action) {
  ui.notice.replaceChildren();
  const heading = document.createElement('strong');
  heading.textContent = title;
  const text = document.createElement('p');
  text.textContent = detail;
  ui.notice.append(heading, text);
  if (action) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button';
    button.textContent = action.label;
    button.addEventListener('click', action.run);
    ui.notice.append(button);
  }
  ui.notice.hidden = false;
}

function hideNotice() {
  ui.notice.hidden = true;
  ui.notice.replaceChildren();
}

// The page cannot work at all: say why and switch the controls off.
function showFatal(title, detail) {
  showNotice(title, detail);
  document.body.classList.add('unavailable');
  for (const control of [ui.modelSelect, ui.chooseButton, ui.cameraButton]) control.disabled = true;
  setModelStatus('error', 'The classifier is not available in this browser.');
}

// ---- the model --------------------------------------------------------------

const MODEL_BASE_URL = new URL('/models/', location.href).href;
const modelByName = new Map(MODELS.map((entry) => [entry.name, entry]));
const state = {
  // The chosen model: { entry, status: 'loading' | 'ready' | 'failed', ready: Promise<WorkerMobileNet>,
  // info, queue }. Work started for a model that is no longer state.model is dropped.
  model: null,
  photos: new Map(),
  nextPhotoId: 1,
};

function readSavedModel() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return modelByName.has(saved) ? saved : null;
  } catch {
    return null;  // storage can be switched off; the default is fine then
  }
}

function saveModel(name) {
  try {
    localStorage.setItem(STORAGE_KEY, name);
  } catch {
    // Not remembered across visits; nothing else depends on it.
  }
}

function fillModelSelect(selected) {
  const groups = new Map();
  for (const entry of MODELS) {
    const label = `MobileNet V${entry.version}`;
    if (!groups.has(label)) groups.set(label, Object.assign(document.createElement('optgroup'), { label }));
    const name = entry.title.replace(/^MobileNet /, '');
    const option = new Option(`${name} · ${entry.inputSize}×${entry.inputSize} · ${megabytes(entry.bytes)}`,
      entry.name, false, entry.name === selected);
    groups.get(label).append(option);
  }
  ui.modelSelect.replaceChildren(...groups.values());
}

function setModelStatus(status, text, progress) {
  ui.modelStatus.dataset.state = status;
  ui.modelStatusText.textContent = text;
  ui.modelProgress.hidden = !progress;
  if (progress) {
    if (progress.total) {
      ui.modelProgress.max = progress.total;
      ui.modelProgress.value = progress.loaded;
    } else {
      ui.modelProgress.removeAttribute('value');  // size unknown: an indeterminate bar
    }
  }
}

function describeEngine(info) {
  const engine = info.simd ? 'WebAssembly SIMD' : 'WebAssembly (scalar)';
  return info.threads > 1 ? `${engine}, ${info.threads} threads` : engine;
}

// This server has the model when a HEAD request finds it. Without a network we
// cannot tell, so assume it: the package's cache may hold it from a visit.
async function servedHere(file) {
  try {
    return (await fetch(new URL(file, MODEL_BASE_URL), { method: 'HEAD' })).ok;
  } catch {
    return true;
  }
}

// Where to get a model: this server when it has the file, else the registry's URL.
async function modelSource(entry) {
  if (await servedHere(entry.file)) return { options: { modelBaseUrl: MODEL_BASE_URL }, source: 'this server' };
  if (!entry.url) {
    throw new Error(`This server does not have ${entry.file}, and the model has no public download address.`);
  }
  return { options: { labels: LABEL_FILES[entry.labels].url }, source: new URL(entry.url).host };
}

function onModelProgress(current, { loaded, total, cached }) {
  if (current !== state.model) return;
  const { title } = current.entry;
  if (cached) {
    setModelStatus('loading', `Loading ${title} from this device…`, { loaded, total });
  } else {
    const amount = total ? `${megabytes(loaded)} of ${megabytes(total)}` : megabytes(loaded);
    setModelStatus('loading', `Downloading ${title}: ${amount}`, { loaded, total });
  }
}

async function startLoading(current) {
  const { options, source } = await modelSource(current.entry);
  const model = await loadInWorker({ model: current.entry.name, topK: TOP_K, ...options,
                                     onProgress: (report) => onModelProgress(current, report) });
  return { model, source };
}

function warmUp(model) {
  return model.runTensor(new Uint8Array(model.info.inputs[0].bytes));
}

function loadModel(name) {
  // Ending the old model's worker frees its memory and cancels its pending work.
  state.model?.ready.then((model) => model.dispose(), () => {});
  const current = { entry: modelByName.get(name), status: 'loading', info: null };
  const loading = startLoading(current);
  current.ready = loading.then(({ model }) => model);
  // Photos are classified one at a time, so each time shown is that photo's
  // own. First the model runs once on a blank input while the page waits for
  // a photo: V8 starts new WebAssembly on baseline code, and this moves the
  // first photo onto optimized code (in Chromium, its classification went
  // from 37-49 ms to 22-27 ms for MobileNet V2). A failed load is reported
  // once, by onModelFailed.
  current.queue = current.ready.then(warmUp).catch(() => {});
  state.model = current;
  hideNotice();
  setModelStatus('loading', `Loading ${current.entry.title}…`, { loaded: 0, total: 0 });
  for (const photo of state.photos.values()) classify(photo);
  loading.then(({ model, source }) => {
    if (current === state.model) onModelReady(model.info, source);
  }, (error) => {
    if (current === state.model) onModelFailed(error.message);
  });
}

function onModelReady(info, source) {
  Object.assign(state.model, { status: 'ready', info, source });
  const { entry } = state.model;
  setModelStatus('ready', `${entry.title} is ready · ${describeEngine(info)}`);
  ui.engineLine.textContent = `${entry.title}: ${info.width}×${info.height} input, ${info.classes} classes, ` +
    `${megabytes(info.modelBytes)}, from ${source}. Runs on ${describeEngine(info)} in a background worker.`;
}

function onModelFailed(message) {
  state.model.status = 'failed';
  const { entry } = state.model;
  setModelStatus('error', `${entry.title} could not be loaded.`);
  showNotice(`The model “${entry.title}” could not be loaded`, `${message} Try again, or choose another model.`,
    { label: 'Try again', run: () => loadModel(entry.name) });
  for (const photo of state.photos.values()) {
    if (photo.status === 'working') setWorking(photo, 'Waiting for a model');
  }
}

// ---- photos and their cards -------------------------------------------------

function setWorking(photo, text) {
  photo.status = 'working';
  photo.card.dataset.state = 'working';
  photo.parts.workingText.textContent = text;
}

function showPhotoError(photo, { title, detail }) {
  photo.status = 'error';
  photo.card.dataset.state = 'error';
  photo.parts.verdictLabel.textContent = title;
  photo.parts.verdictConfidence.textContent = '';
  photo.parts.error.textContent = detail;
  photo.parts.predictions.replaceChildren();
  ui.announcer.textContent = `${photo.file.name}: ${title}`;
}

function metaLine(photo, extra = []) {
  const size = photo.width ? [`${photo.width}×${photo.height}`] : [];
  return [photo.file.name, ...size, ...extra].join(' · ');
}

function showPredictions(photo, predictions, milliseconds) {
  photo.status = 'done';
  photo.card.dataset.state = 'done';
  const [best] = predictions;
  const bestName = splitLabel(best.label).name;
  photo.parts.verdictLabel.textContent = capitalize(bestName);
  photo.parts.verdictConfidence.textContent = percent(best.probability);
  photo.parts.verdictConfidence.dataset.confidence =
    best.probability >= 0.6 ? 'high' : best.probability >= 0.3 ? 'medium' : 'low';
  photo.parts.predictions.replaceChildren(...predictions.map((prediction) => {
    const item = ui.predictionTemplate.content.firstElementChild.cloneNode(true);
    const { name, aliases } = splitLabel(prediction.label);
    item.dataset.index = prediction.index;
    item.querySelector('.prediction-name').textContent = name;
    item.querySelector('.prediction-aliases').textContent = aliases;
    item.querySelector('.prediction-probability').textContent = percent(prediction.probability);
    item.querySelector('.prediction-fill').style.width = `${(prediction.probability * 100).toFixed(1)}%`;
    return item;
  }));
  photo.parts.meta.textContent = metaLine(photo, [duration(milliseconds), describeEngine(state.model.info)]);
  ui.announcer.textContent = `${photo.file.name}: ${bestName}, ${percent(best.probability)}`;
}

// The engine reads JPEG, PNG, BMP and GIF itself; formats it names as not
// supported (WebP, AVIF, ...) may still be decodable by this browser.
async function classifyFile(model, file) {
  try {
    return await model.classify(file);
  } catch (error) {
    if (!/images are not supported/.test(error.message) || typeof createImageBitmap !== 'function') throw error;
    let bitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch {
      throw error;
    }
    return model.classify(bitmap);
  }
}

function classify(photo) {
  if (photo.fileError) return;  // not a photo at all: no model will change that
  clearTimeout(photo.slowTimer);
  setWorking(photo, state.model.status === 'failed' ? 'Waiting for a model' : 'Waiting its turn');
  photo.parts.meta.textContent = metaLine(photo);
  const current = state.model;
  current.queue = current.queue.then(() => classifyNow(photo, current));
}

async function classifyNow(photo, current) {
  const stillWanted = () => current === state.model && state.photos.has(photo.id);
  if (!stillWanted()) return;
  let model;
  try {
    model = await current.ready;
  } catch {
    return;  // onModelFailed has said why, and the photo waits for another model
  }
  showClassifying(photo);
  const started = performance.now();
  try {
    const predictions = await classifyFile(model, photo.file);
    if (stillWanted()) showPredictions(photo, predictions, performance.now() - started);
  } catch (error) {
    if (stillWanted()) showPhotoError(photo, explainPhotoError(error.message));
  } finally {
    clearTimeout(photo.slowTimer);
  }
}

// A big photo takes seconds to decode: show that it is still going, and for how long.
function showClassifying(photo) {
  const started = performance.now();
  setWorking(photo, 'Classifying…');
  const tick = () => {
    const size = photo.width ? `${((photo.width * photo.height) / 1e6).toFixed(0)}-megapixel ` : '';
    photo.parts.workingText.textContent =
      `Still working on this ${size}photo · ${duration(performance.now() - started)}`;
    photo.slowTimer = setTimeout(tick, 500);
  };
  photo.slowTimer = setTimeout(tick, SLOW_AFTER_MS);
}

function createCard(photo) {
  const card = ui.cardTemplate.content.firstElementChild.cloneNode(true);
  card.dataset.name = photo.file.name;
  const image = card.querySelector('img');
  image.alt = `Photo: ${photo.file.name}`;
  image.decoding = 'async';
  image.src = photo.url;
  image.addEventListener('load', () => {
    photo.width = image.naturalWidth;
    photo.height = image.naturalHeight;
    if (photo.status !== 'done') photo.parts.meta.textContent = metaLine(photo);
  });
  image.addEventListener('error', () => {
    card.querySelector('.card-photo').dataset.preview = 'none';
    image.alt = '';
  });
  const remove = card.querySelector('.card-remove');
  remove.setAttribute('aria-label', `Remove ${photo.file.name}`);
  remove.addEventListener('click', () => removePhoto(photo));
  photo.card = card;
  photo.parts = {
    verdictLabel: card.querySelector('.verdict-label'),
    verdictConfidence: card.querySelector('.verdict-confidence'),
    workingText: card.querySelector('.working-text'),
    predictions: card.querySelector('.predictions'),
    error: card.querySelector('.card-error'),
    meta: card.querySelector('.card-meta'),
  };
  return card;
}

function updateLayout() {
  const hasPhotos = state.photos.size > 0;
  ui.results.hidden = !hasPhotos;
  document.body.classList.toggle('has-photos', hasPhotos);
}

function removePhoto(photo) {
  clearTimeout(photo.slowTimer);
  URL.revokeObjectURL(photo.url);
  photo.card.remove();
  state.photos.delete(photo.id);
  updateLayout();
  ui.chooseButton.focus();
}

async function addFiles(files) {
  if (!files.length || document.body.classList.contains('unavailable')) return;
  const batch = files.map((file) => ({ id: state.nextPhotoId++, file, url: URL.createObjectURL(file), status: 'new' }));
  // Newest first, each batch in the order it was chosen.
  ui.grid.prepend(...batch.map(createCard));
  for (const photo of batch) state.photos.set(photo.id, photo);
  updateLayout();
  batch[0].card.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  for (const photo of batch) {
    photo.fileError = await sniffNonImage(photo.file);
    if (!state.photos.has(photo.id)) continue;  // removed meanwhile
    if (photo.fileError) showPhotoError(photo, photo.fileError);
    else classify(photo);
  }
}

function clearAll() {
  for (const photo of [...state.photos.values()]) removePhoto(photo);
}

// ---- input: picker, drag and drop, paste -------------------------------------

function setUpInputs() {
  ui.chooseButton.addEventListener('click', () => ui.fileInput.click());
  ui.fileInput.addEventListener('change', () => {
    addFiles([...ui.fileInput.files]);
    ui.fileInput.value = '';  // choosing the same file again still fires 'change'
  });
  ui.clearButton.addEventListener('click', clearAll);

  // The whole window is a drop target; the overlay says so while dragging.
  let dragDepth = 0;
  const carriesFiles = (event) => event.dataTransfer?.types.includes('Files');
  window.addEventListener('dragenter', (event) => {
    if (!carriesFiles(event)) return;
    dragDepth += 1;
    ui.dropOverlay.hidden = false;
  });
  window.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) ui.dropOverlay.hidden = true;
  });
  window.addEventListener('dragover', (event) => {
    if (carriesFiles(event)) event.preventDefault();
  });
  window.addEventListener('drop', (event) => {
    event.preventDefault();
    dragDepth = 0;
    ui.dropOverlay.hidden = true;
    addFiles([...(event.dataTransfer?.files ?? [])]);
  });

  document.addEventListener('paste', (event) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;  // pasting text into a field stays text
    event.preventDefault();
    // Browsers name every pasted screenshot "image.png"; number them so the cards differ.
    addFiles(files.map((file, i) => (file.name && file.name !== 'image.png'
      ? file
      : new File([file], `pasted-${state.nextPhotoId + i}.${file.type.split('/')[1] || 'png'}`, { type: file.type }))));
  });

  setUpCamera({
    button: ui.cameraButton,
    captureInput: $('capture-input'),
    dialog: $('camera-dialog'),
    video: $('camera-video'),
    shutter: $('camera-shutter'),
    cancel: $('camera-cancel'),
    onPhotos: addFiles,
    onError: (message) => showNotice('The camera is not available', message),
  });
}

// ---- start ------------------------------------------------------------------

function start() {
  const selected = readSavedModel() ?? DEFAULT_MODEL;
  fillModelSelect(selected);
  setUpInputs();

  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    showFatal('This browser cannot run WebAssembly',
      'The classifier is compiled to WebAssembly, which this browser does not support or has switched off. ' +
      'Try a current version of Chrome, Edge, Firefox or Safari.');
    return;
  }
  if (typeof Worker !== 'function') {
    showFatal('This browser cannot run background workers', 'Try a current version of Chrome, Edge, Firefox or Safari.');
    return;
  }
  ui.modelSelect.addEventListener('change', () => {
    saveModel(ui.modelSelect.value);
    loadModel(ui.modelSelect.value);
  });
  loadModel(selected);

  // Keeps the page and engine available offline after this first visit.
  navigator.serviceWorker?.register('sw.js').catch((error) => console.warn('Offline support is off:', error));
}

start();
