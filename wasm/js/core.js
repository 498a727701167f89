// Loads the engine's WebAssembly module: the SIMD build where the runtime
// validates a tiny SIMD module, the scalar build otherwise (or when asked),
// and the SIMD build with threads (Web Workers sharing its memory) where the
// page is cross-origin isolated.
// The .wasm files sit in ../dist next to this file and are found with
// `new URL(..., import.meta.url)`, which bundlers (Vite, webpack) understand
// and which also works from a CDN; `wasmUrl` or `wasmBinary` override that.

// (module (func (result v128) v128.const i32x4 0 0 0 0))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

/** True when this JavaScript engine runs WebAssembly SIMD (the faster build). */
export function simdSupported() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/**
 * True where the threaded build can run: a cross-origin-isolated page or
 * worker (served with COOP: same-origin and COEP: require-corp), which has
 * SharedArrayBuffer. Node runs one thread.
 */
export function threadsSupported() {
  return !isNode && globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function' &&
    simdSupported();
}

// More threads than this gain little on MobileNet layers (and each is a
// Web Worker with its own stack).
const MAX_THREADS = 4;

export const isNode = typeof process === 'object' && typeof process.versions?.node === 'string' &&
  typeof window === 'undefined' && typeof importScripts === 'undefined';

// Literal specifiers so bundlers can see and ship every variant.
async function importGlue(variant) {
  switch (variant) {
    case 'simd-threads': return (await import('../dist/mobilenet-core-simd-threads.mjs')).default;
    case 'simd': return (await import('../dist/mobilenet-core-simd.mjs')).default;
    default: return (await import('../dist/mobilenet-core-scalar.mjs')).default;
  }
}

function defaultWasmUrl(variant) {
  switch (variant) {
    case 'simd-threads': return new URL('../dist/mobilenet-core-simd-threads.wasm', import.meta.url);
    case 'simd': return new URL('../dist/mobilenet-core-simd.wasm', import.meta.url);
    default: return new URL('../dist/mobilenet-core-scalar.wasm', import.meta.url);
  }
}

// The threaded build's pthread workers run this script (next to the glue).
const THREADS_WORKER_URL = new URL('../dist/mobilenet-core-simd-threads.worker.js', import.meta.url);

// options.threads: 'auto' (default: up to MAX_THREADS where threadsSupported())
// or a number; more than one needs threadsSupported().
export function resolveThreads(options = {}) {
  const threads = options.threads ?? 'auto';
  if (threads === 'auto') {
    const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
    return threadsSupported() && options.simd !== false ? Math.max(1, Math.min(cores, MAX_THREADS)) : 1;
  }
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be 'auto' or a positive integer, got ${threads}`);
  if (threads > 1 && (!threadsSupported() || options.simd === false)) {
    const where = isNode ? 'a browser (in Node the engine runs one thread)'
      : 'WebAssembly SIMD and a cross-origin-isolated page (COOP: same-origin, COEP: require-corp)';
    throw new Error(`Threads need ${where}; load with { threads: 1 } or { threads: "auto" }.`);
  }
  return Math.min(threads, MAX_THREADS);
}

// An override is a URL (absolute, or relative to the page) or, in Node, also
// a file path.
async function overrideUrl(wasmUrl) {
  if (wasmUrl instanceof URL) return wasmUrl;
  if (isNode && !/^[a-z][a-z0-9+.-]+:/i.test(wasmUrl)) {
    const { pathToFileURL } = await import('node:url');
    return pathToFileURL(wasmUrl);
  }
  return new URL(wasmUrl, globalThis.location?.href);
}

async function readWasmInNode(url) {
  try {
    if (url.protocol === 'file:') {
      const { readFile } = await import('node:fs/promises');
      return await readFile(url);
    }
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new Error(`Could not read the mobilenet-wasm engine from ${url.href}: ${error.message}. ` +
      'Run `bash scripts/build.sh wasm` in a source checkout, or pass { wasmUrl } or { wasmBinary }.');
  }
}

// options.simd: 'auto' (default), true or false. options.threads: see
// resolveThreads. options.wasmUrl: where the chosen variant's .wasm is.
// options.wasmBinary: its bytes (skips fetching).
export async function loadCore(options = {}) {
  if (typeof WebAssembly !== 'object') {
    throw new Error('This JavaScript engine has no WebAssembly support; mobilenet-wasm needs it.');
  }
  const simd = options.simd ?? 'auto';
  const threads = resolveThreads(options);
  let variant = (simd === 'auto' ? simdSupported() : Boolean(simd)) ? 'simd' : 'scalar';
  if (variant === 'simd' && !simdSupported()) {
    throw new Error('WebAssembly SIMD is not supported here; load with { simd: "auto" } or { simd: false }.');
  }
  if (threads > 1) variant = 'simd-threads';
  const factory = await importGlue(variant);
  const url = options.wasmUrl ? await overrideUrl(options.wasmUrl) : defaultWasmUrl(variant);
  // Emscripten's web glue fetches the .wasm by URL; Node gets the bytes.
  const wasmBinary = options.wasmBinary ?? (isNode ? await readWasmInNode(url) : undefined);
  const settings = wasmBinary ? { wasmBinary } : {};
  settings.locateFile = (file) => (file.endsWith('.worker.js') ? THREADS_WORKER_URL.href : url.href);
  // Read by the threaded glue: how many pthread workers to start with it.
  settings.mnwWorkers = threads - 1;
  let module;
  try {
    module = await factory(settings);
  } catch (error) {
    throw new Error(`Could not start the mobilenet-wasm engine (${variant}) from ${url.href}: ${error?.message ?? error}`);
  }
  const core = new Core(module, variant);
  core.threads = module._mnw_set_threads(threads);
  return core;
}

// Thin typed access to the C interface of wasm/bindings.cpp.
export class Core {
  constructor(module, variant) {
    this.module = module;
    this.variant = variant;
    this.threads = 1;
    this.decoder = new TextDecoder();
    /** Set when the engine trapped: its memory can no longer be trusted. */
    this.broken = null;
  }

  heap() {
    return this.module.HEAPU8;  // re-read after every call: memory may have grown
  }

  // Runs engine calls. A trap (out of memory, a bug) leaves the instance in
  // an unknown state, so it is retired: this model fails with a clear
  // message and the next load() starts a fresh instance.
  call(fn) {
    if (this.broken) throw new Error(`The mobilenet-wasm engine stopped after an earlier failure (${this.broken}); load the model again`);
    try {
      return fn(this.module);
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError)) throw error;
      this.broken = error.message;
      this.onBroken?.();
      throw new Error(`The mobilenet-wasm engine failed (${error.message}); load the model again`);
    }
  }

  string(pointer) {
    const heap = this.heap();
    const end = heap.indexOf(0, pointer);
    // A copy: TextDecoder refuses views of the threaded build's shared memory.
    return this.decoder.decode(heap.slice(pointer, end));
  }

  lastError() {
    return this.string(this.module._mnw_last_error());
  }

  heapUsed() {
    return this.module._mnw_heap_used();
  }

  // Copies bytes (any ArrayBuffer view) into a fresh heap block for the
  // duration of fn(pointer).
  withCopy(bytes, fn) {
    const pointer = this.module._malloc(Math.max(1, bytes.byteLength));
    if (!pointer) throw new Error(`Out of WebAssembly memory for ${bytes.byteLength} bytes`);
    try {
      this.heap().set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), pointer);
      return fn(pointer);
    } finally {
      this.module._free(pointer);
    }
  }
}
