// mobilenet-wasm: quantized MobileNet image classification in WebAssembly.
//
//   import { load } from 'mobilenet-wasm';
//   const model = await load({ model: 'mobilenet_v2_1.0_224_quant.tflite' });
//   const top3 = await model.classify(imageElement, { topK: 3 });
//   // [{ index: 286, label: 'Egyptian cat', probability: 0.957 }, ...]
import { loadCore, simdSupported } from './core.js';
import { browserDecode, toEngineInput } from './inputs.js';
import { resolveLabels, resolveModel } from './models.js';

export { simdSupported };
export { MODELS, DEFAULT_MODEL, findModel } from '../../models/registry.js';

const TYPED_ARRAYS = { uint8: Uint8Array, int8: Int8Array, float32: Float32Array, int32: Int32Array };

// Engines are shared per (simd, wasmUrl): one WebAssembly instance can hold many models.
const cores = new Map();
function sharedCore(options) {
  const key = `${options.simd ?? 'auto'}|${options.wasmUrl ?? ''}`;
  if (!cores.has(key)) {
    const pending = loadCore(options);
    pending.catch(() => cores.delete(key));
    cores.set(key, pending);
  }
  return cores.get(key);
}

/**
 * Loads a model. options:
 *   model      URL, registry name, file path (Node), ArrayBuffer or Uint8Array (required)
 *   labels     array of names or URL/path of a labels .txt (default: the model's own)
 *   topK       default number of results of classify() (5)
 *   sha256     expected checksum of the model bytes (registry models have one)
 *   cache      keep downloads in the browser's Cache API (true)
 *   onProgress ({ loaded, total }) => void while the model downloads
 *   simd       'auto' | true | false: which engine build to use ('auto')
 *   wasmUrl    where the .wasm is, if not next to this package's files
 *   cropFraction  central crop kept before resizing (0.875, ImageNet's evaluation crop)
 *   modelBaseUrl  base URL serving registry files (models and label files)
 */
export async function load(options = {}) {
  if (options.model === undefined) throw new TypeError('load() needs { model }');
  const [core, { bytes, entry }] = await Promise.all([sharedCore(options), resolveModel(options.model, options)]);
  const labels = await resolveLabels(options.labels, entry, options);
  return new MobileNet(core, bytes, labels, entry, options);
}

export class MobileNet {
  #core;
  #session;
  #queue = Promise.resolve();
  #topK;

  constructor(core, modelBytes, labelsText, entry, options) {
    this.#core = core;
    this.#topK = options.topK ?? 5;
    const labelBytes = new TextEncoder().encode(labelsText ?? '');
    const session = core.withCopy(modelBytes, (model) =>
      core.withCopy(labelBytes, (labels) =>
        core.module._mnw_create(model, modelBytes.byteLength, labels, labelBytes.byteLength,
          options.kernels === 'reference' ? 1 : 0, options.cropFraction ?? 0)));
    if (!session) throw new Error(`Could not load the model: ${core.lastError()}`);
    this.#session = session;
    const info = JSON.parse(core.string(core.module._mnw_info(session)));
    /** Model facts: name, width, height, inputType, classes, labels, ops, kernels, simd, ... */
    this.info = Object.freeze({
      name: entry?.name ?? null,
      title: entry?.title ?? null,
      simd: core.variant === 'simd',
      modelBytes: modelBytes.byteLength,
      ...info,
    });
  }

  get disposed() {
    return this.#session === 0;
  }

  // Calls run one at a time, in order, so concurrent callers are safe.
  #enqueue(task) {
    const run = this.#queue.then(() => {
      if (this.disposed) throw new Error('This model has been disposed');
      return task();
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Top-K classes of an image: [{ index, label, probability }], most probable first. */
  classify(input, { topK } = {}) {
    const k = topK ?? this.#topK;
    if (!Number.isInteger(k) || k < 1) return Promise.reject(new RangeError('topK must be a positive integer'));
    return this.#enqueue(async () => {
      let source = await toEngineInput(input);
      if (this.disposed) throw new Error('This model has been disposed');
      try {
        return this.#classifySource(source, k);
      } catch (error) {
        // The engine decodes JPEG, PNG, BMP, GIF...; the browser may know more (WebP, AVIF).
        if (!source.blob || !/not a recognised image format/.test(error.message)) throw error;
        source = await browserDecode(source.blob);
        if (!source) throw error;
        return this.#classifySource(source, k);
      }
    });
  }

  #classifySource(source, k) {
    const core = this.#core;
    const m = core.module;
    const pointer = source.kind === 'encoded'
      ? core.withCopy(source.bytes, (p) => m._mnw_classify_encoded(this.#session, p, source.bytes.byteLength, k))
      : core.withCopy(source.data, (p) => m._mnw_classify_rgba(this.#session, p, source.width, source.height, k));
    if (!pointer) throw new Error(core.lastError());
    return JSON.parse(core.string(pointer));
  }

  /**
   * Runs the model on a raw input tensor (NHWC, the model's input type, exact
   * size) and resolves to a copy of the raw output tensor as a typed array.
   */
  runTensor(input) {
    return this.#enqueue(async () => {
      const core = this.#core;
      const expected = this.info.inputs[0].bytes;
      if (!ArrayBuffer.isView(input) || input.byteLength !== expected) {
        throw new RangeError(`runTensor() needs a typed array of exactly ${expected} bytes ` +
          `(${this.info.inputs[0].shape.join('x')} ${this.info.inputs[0].dtype}), got ${input?.byteLength ?? typeof input}`);
      }
      const m = core.module;
      core.heap().set(new Uint8Array(input.buffer, input.byteOffset, input.byteLength), m._mnw_input(this.#session));
      m._mnw_invoke(this.#session);
      const out = this.info.outputs[0];
      const bytes = core.heap().slice(m._mnw_output(this.#session), m._mnw_output(this.#session) + out.bytes);
      const Type = TYPED_ARRAYS[out.dtype] ?? Uint8Array;
      return new Type(bytes.buffer, 0, out.bytes / Type.BYTES_PER_ELEMENT);
    });
  }

  /** Frees the model's WebAssembly memory; later calls reject. */
  dispose() {
    if (this.disposed) return;
    this.#core.module._mnw_destroy(this.#session);
    this.#session = 0;
  }

  /** Bytes in use on the shared WebAssembly heap (for leak checks). */
  heapUsed() {
    return this.#core.heapUsed();
  }
}
