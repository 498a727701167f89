// loadInWorker(): the MobileNet interface with the model in a module worker
// (worker.js), so loading and inference never block the page.
//
// Inputs a worker cannot receive (image elements, canvases, video) become an
// ImageBitmap on this thread and are transferred; bytes are copied; Blob,
// ImageData and ImageBitmap are cloned. Errors come back as Error (or
// TypeError/RangeError) with the engine's message.
import { findModel } from '../../models/registry.js';
import { isInstance, pixelsOfDrawable } from './inputs.js';

const DISPOSED = 'This model has been disposed';
const REMOTE_ERROR_TYPES = { TypeError, RangeError };
// What cannot be posted to a worker as it is (ImageBitmap can).
const DRAWABLES = ['HTMLImageElement', 'HTMLCanvasElement', 'OffscreenCanvas', 'HTMLVideoElement', 'VideoFrame'];

// The worker resolves relative URLs against its own script, so they are made
// absolute here, against the page.
function absoluteUrl(value) {
  if (value instanceof URL) return value.href;
  if (typeof value !== 'string' || typeof location === 'undefined') return value;
  return new URL(value, globalThis.document?.baseURI ?? location.href).href;
}

function optionsForWorker({ onProgress, workerUrl, ...options }) {
  const model = typeof options.model === 'string' && findModel(options.model) ? options.model : absoluteUrl(options.model);
  return {
    ...options,
    model,
    labels: absoluteUrl(options.labels),
    wasmUrl: absoluteUrl(options.wasmUrl),
    modelBaseUrl: absoluteUrl(options.modelBaseUrl),
  };
}

// A compact copy of a byte view: posting a view would clone its whole buffer.
function copyOfBytes(view) {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

// Resolves to { input, transfer, owned }: what to post for a classify() input.
async function postableInput(input) {
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) {
    const bytes = copyOfBytes(ArrayBuffer.isView(input) ? input : new Uint8Array(input));
    return { input: bytes, transfer: [bytes.buffer] };
  }
  if (DRAWABLES.some((name) => isInstance(input, name))) {
    if (isInstance(input, 'HTMLImageElement') && !input.complete) await input.decode();
    if (typeof createImageBitmap === 'function') {
      const bitmap = await createImageBitmap(input);
      return { input: bitmap, transfer: [bitmap], owned: true };
    }
    const { data, width, height } = pixelsOfDrawable(input);
    return { input: { data, width, height }, transfer: [data.buffer] };
  }
  if (input && !isInstance(input, 'ImageData') && ArrayBuffer.isView(input.data)) {
    const data = copyOfBytes(input.data);
    return { input: { data, width: input.width, height: input.height }, transfer: [data.buffer] };
  }
  return { input, transfer: [] };  // Blob, ImageData, ImageBitmap: cloned; anything else fails in the worker
}

// Numbered requests to the worker and their replies.
class Connection {
  #worker;
  #pending = new Map();
  #nextId = 1;
  #closedWith = null;

  constructor(worker) {
    this.#worker = worker;
    worker.onmessage = ({ data }) => {
      const call = this.#pending.get(data.id);
      if (!call) return;
      if (data.progress) return call.onProgress?.(data.progress);
      this.#pending.delete(data.id);
      if (data.error) call.reject(new (REMOTE_ERROR_TYPES[data.error.name] ?? Error)(data.error.message));
      else call.resolve(data.result);
    };
    // Fires when worker.js cannot be loaded (wrong URL or MIME type, CSP) or throws outside a request.
    worker.onerror = (event) => {
      event.preventDefault();
      this.close(`The mobilenet-wasm worker failed: ${event.message ||
        'could not start worker.js (check that it is served as JavaScript and allowed by the page\'s CSP)'}`);
    };
    worker.onmessageerror = () => this.close('The mobilenet-wasm worker sent a message that could not be read');
  }

  request(method, message = {}, transfer = [], onProgress = undefined) {
    if (this.#closedWith) return Promise.reject(new Error(this.#closedWith));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      try {
        this.#worker.postMessage({ id, method, ...message }, transfer);
      } catch (error) {
        this.#pending.delete(id);
        reject(new TypeError(`Cannot send this to the mobilenet-wasm worker: ${error.message}`));
      }
    });
  }

  // Stops the worker (freeing all its memory); pending and later requests reject with `message`.
  close(message) {
    if (this.#closedWith) return;
    this.#closedWith = message;
    this.#worker.terminate();
    for (const call of this.#pending.values()) call.reject(new Error(message));
    this.#pending.clear();
  }
}

/**
 * Loads a model into a new module worker and resolves to a WorkerMobileNet.
 * Takes load()'s options, plus `workerUrl` to serve worker.js from elsewhere.
 */
export async function loadInWorker(options = {}) {
  if (typeof Worker !== 'function') throw new Error('loadInWorker() needs Web Workers; in Node, use load()');
  if (options.model === undefined) throw new TypeError('loadInWorker() needs { model }: a URL, registry name or bytes');
  // The literal `new Worker(new URL(...))` form is what bundlers recognise.
  const worker = options.workerUrl
    ? new Worker(options.workerUrl, { type: 'module' })
    : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const connection = new Connection(worker);
  try {
    const info = await connection.request('load', { options: optionsForWorker(options), progress: Boolean(options.onProgress) },
      [], options.onProgress);
    return new WorkerMobileNet(connection, info);
  } catch (error) {
    connection.close(error.message);
    throw error;
  }
}

export class WorkerMobileNet {
  #connection;
  #disposed = false;

  /** @internal Use loadInWorker(). */
  constructor(connection, info) {
    this.#connection = connection;
    this.info = Object.freeze(info);
  }

  get disposed() {
    return this.#disposed;
  }

  /** Top-K classes of an image: [{ index, label, probability }], most probable first. */
  async classify(input, { topK } = {}) {
    if (this.#disposed) throw new Error(DISPOSED);
    const { input: posted, transfer, owned } = await postableInput(input);
    return this.#connection.request('classify', { input: posted, topK, owned }, transfer);
  }

  /** Runs the model on a raw input tensor; resolves to the raw output tensor. */
  async runTensor(tensor) {
    if (this.#disposed) throw new Error(DISPOSED);
    return this.#connection.request('runTensor', { tensor });
  }

  /** Times each operator of the model (see MobileNet.profile). */
  async profile({ runs } = {}) {
    if (this.#disposed) throw new Error(DISPOSED);
    return this.#connection.request('profile', { runs });
  }

  /** Bytes in use on the worker's WebAssembly heap. */
  async heapUsed() {
    if (this.#disposed) throw new Error(DISPOSED);
    return this.#connection.request('heapUsed');
  }

  /** Terminates the worker, which frees all its memory; pending and later calls reject. */
  dispose() {
    this.#disposed = true;
    this.#connection.close(DISPOSED);
  }
}
