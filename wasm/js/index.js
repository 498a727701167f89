// mobilenet-wasm: quantized MobileNet image classification in WebAssembly.
//
//   import { load } from 'mobilenet-wasm';
//   const model = await load({ model: 'mobilenet_v2_1.0_224_quant.tflite' });
//   const top3 = await model.classify(imageElement, { topK: 3 });
//   // [{ index: 286, label: 'Egyptian cat', probability: 0.957 }, ...]
//
// The same code runs on a page, in a worker and in Node 20+. index.d.ts
// documents every option and member.
import { loadCore, resolveThreads, simdSupported, threadsSupported } from './core.js';
import { browserDecode, toEngineInput } from './inputs.js';
import { resolveLabels, resolveModel } from './models.js';

export { simdSupported, threadsSupported };
export { loadInWorker, WorkerMobileNet } from './worker-client.js';
export { MODELS, DEFAULT_MODEL, findModel } from '../../models/registry.js';

const TYPED_ARRAYS = { uint8: Uint8Array, int8: Int8Array, float32: Float32Array, int32: Int32Array };
const DISPOSED = 'This model has been disposed';

// Engines are shared per (simd, threads, wasmUrl): one WebAssembly instance
// holds many models.
const cores = new Map();
function sharedCore(options) {
  const key = `${options.simd ?? 'auto'}|${resolveThreads(options)}|${options.wasmUrl ?? ''}`;
  if (!cores.has(key)) {
    const pending = loadCore(options).then((core) => {
      core.onBroken = () => cores.delete(key);
      return core;
    });
    pending.catch(() => cores.delete(key));
    cores.set(key, pending);
  }
  return cores.get(key);
}

function checkTopK(topK) {
  if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`topK must be a positive integer, got ${topK}`);
  return topK;
}

/** Loads a model and resolves to a MobileNet (see index.d.ts for the options). */
export async function load(options = {}) {
  if (options.model === undefined) throw new TypeError('load() needs { model }: a URL, registry name, file path (Node) or bytes');
  if (options.topK !== undefined) checkTopK(options.topK);
  const [core, { bytes, entry }] = await Promise.all([sharedCore(options), resolveModel(options.model, options)]);
  const labels = await resolveLabels(options.labels, entry, options);
  return new MobileNet(core, bytes, labels, entry, options);
}

export class MobileNet {
  #core;
  #session;
  #queue = Promise.resolve();
  #topK;

  /** @internal Use load(). */
  constructor(core, modelBytes, labelsText, entry, options) {
    this.#core = core;
    this.#topK = options.topK ?? 5;
    const labelBytes = new TextEncoder().encode(labelsText ?? '');
    const session = core.call((m) => core.withCopy(modelBytes, (model) =>
      core.withCopy(labelBytes, (labels) =>
        m._mnw_create(model, modelBytes.byteLength, labels, labelBytes.byteLength,
          options.kernels === 'reference' ? 1 : 0, options.cropFraction ?? 0))));
    if (!session) throw new Error(`Could not load the model: ${core.lastError()}`);
    this.#session = session;
    const info = JSON.parse(core.string(core.module._mnw_info(session)));
    this.info = Object.freeze({
      name: entry?.name ?? null,
      title: entry?.title ?? null,
      simd: core.variant !== 'scalar',
      threads: core.threads,
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
      if (this.disposed) throw new Error(DISPOSED);
      return task();
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Top-K classes of an image: [{ index, label, probability }], most probable first. */
  classify(input, { topK } = {}) {
    let k;
    try {
      k = checkTopK(topK ?? this.#topK);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#enqueue(async () => {
      let source = await toEngineInput(input);
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

  // Synchronous from the disposed check to the result: dispose() cannot
  // free the session in between.
  #classifySource(source, k) {
    if (this.disposed) throw new Error(DISPOSED);
    const core = this.#core;
    const pointer = core.call((m) => source.kind === 'encoded'
      ? core.withCopy(source.bytes, (p) => m._mnw_classify_encoded(this.#session, p, source.bytes.byteLength, k))
      : core.withCopy(source.data, (p) => m._mnw_classify_rgba(this.#session, p, source.width, source.height, k)));
    if (!pointer) throw new Error(core.lastError());
    return JSON.parse(core.string(pointer));
  }

  /**
   * Runs the model on a raw input tensor (NHWC, the model's input type, exact
   * size) and resolves to a copy of the raw output tensor as a typed array.
   */
  runTensor(input) {
    return this.#enqueue(async () => {
      const [expected, out] = [this.info.inputs[0], this.info.outputs[0]];
      if (!ArrayBuffer.isView(input) || input.byteLength !== expected.bytes) {
        throw new RangeError(`runTensor() needs a typed array of exactly ${expected.bytes} bytes ` +
          `(${expected.shape.join('x')} ${expected.dtype}), got ${input?.byteLength ?? typeof input}`);
      }
      const bytes = this.#core.call((m) => {
        this.#core.heap().set(new Uint8Array(input.buffer, input.byteOffset, input.byteLength), m._mnw_input(this.#session));
        m._mnw_invoke(this.#session);
        const output = m._mnw_output(this.#session);
        return this.#core.heap().slice(output, output + out.bytes);
      });
      const Type = TYPED_ARRAYS[out.dtype] ?? Uint8Array;
      return new Type(bytes.buffer, 0, out.bytes / Type.BYTES_PER_ELEMENT);
    });
  }

  /**
   * Times each operator of the model over `runs` runs (after 3 untimed ones)
   * on the last input given to classify() or runTensor(), and resolves to one
   * row per operator: { type, output, macs, ms, fusedInto }, ms the mean of
   * the runs without their fastest and slowest tenth.
   * Browsers coarsen timers unless the page is cross-origin isolated.
   */
  profile({ runs = 20 } = {}) {
    if (!Number.isInteger(runs) || runs < 1) return Promise.reject(new RangeError(`runs must be a positive integer, got ${runs}`));
    return this.#enqueue(async () => JSON.parse(this.#core.string(this.#core.call((m) => m._mnw_profile(this.#session, runs)))));
  }

  /** Frees the model's WebAssembly memory at once; pending and later calls reject. */
  dispose() {
    if (this.disposed) return;
    if (!this.#core.broken) this.#core.module._mnw_destroy(this.#session);
    this.#session = 0;
  }

  /** Bytes in use on the WebAssembly heap shared by models of the same engine (for leak checks). */
  heapUsed() {
    return this.#core.heapUsed();
  }
}
