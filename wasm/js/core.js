// Loads the engine's WebAssembly module: the SIMD build where the runtime
// validates a tiny SIMD module, the scalar build otherwise (or when asked).
// The .wasm files sit next to this package's dist/ glue and are found with
// `new URL(..., import.meta.url)`, which bundlers (Vite, webpack) understand;
// `wasmUrl` or `wasmBinary` override that.

// (module (func (result v128) v128.const i32x4 0 0 0 0))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

export function simdSupported() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

export const isNode = typeof process === 'object' && typeof process.versions?.node === 'string' &&
  typeof window === 'undefined' && typeof importScripts === 'undefined';

async function importGlue(variant) {
  // Literal specifiers so bundlers can see and ship both variants.
  return variant === 'simd'
    ? (await import('../dist/mobilenet-core-simd.mjs')).default
    : (await import('../dist/mobilenet-core-scalar.mjs')).default;
}

function defaultWasmUrl(variant) {
  return variant === 'simd'
    ? new URL('../dist/mobilenet-core-simd.wasm', import.meta.url)
    : new URL('../dist/mobilenet-core-scalar.wasm', import.meta.url);
}

// options.simd: 'auto' (default), true or false. options.wasmUrl: where the
// chosen .wasm is. options.wasmBinary: its bytes (skips fetching).
export async function loadCore(options = {}) {
  if (typeof WebAssembly !== 'object') {
    throw new Error('This browser has no WebAssembly support; mobilenet-wasm needs it.');
  }
  const simd = options.simd ?? 'auto';
  const variant = (simd === 'auto' ? simdSupported() : Boolean(simd)) ? 'simd' : 'scalar';
  if (variant === 'simd' && !simdSupported()) {
    throw new Error('WebAssembly SIMD is not supported here; load with { simd: "auto" } or { simd: false }.');
  }
  const factory = await importGlue(variant);
  const url = options.wasmUrl ? new URL(options.wasmUrl, globalThis.location?.href) : defaultWasmUrl(variant);
  let wasmBinary = options.wasmBinary;
  if (!wasmBinary && isNode) {
    const { readFile } = await import('node:fs/promises');
    wasmBinary = url.protocol === 'file:' ? await readFile(url) : new Uint8Array(await (await fetch(url)).arrayBuffer());
  }
  let module;
  try {
    module = await factory(wasmBinary ? { wasmBinary } : { locateFile: () => url.href });
  } catch (error) {
    throw new Error(`Could not start the mobilenet-wasm engine (${variant}) from ${url.href}: ${error?.message ?? error}`);
  }
  return new Core(module, variant);
}

// Thin typed access to the C interface of wasm/bindings.cpp.
export class Core {
  constructor(module, variant) {
    this.module = module;
    this.variant = variant;
    this.decoder = new TextDecoder();
  }

  heap() {
    return this.module.HEAPU8;  // re-read after every call: memory may have grown
  }

  string(pointer) {
    const heap = this.heap();
    let end = pointer;
    while (heap[end] !== 0) end++;
    return this.decoder.decode(heap.subarray(pointer, end));
  }

  lastError() {
    return this.string(this.module._mnw_last_error());
  }

  kernels() {
    return this.string(this.module._mnw_kernels());
  }

  heapUsed() {
    return this.module._mnw_heap_used();
  }

  // Copies bytes into a fresh heap block; the caller frees it.
  copyIn(bytes) {
    const pointer = this.module._malloc(Math.max(1, bytes.byteLength));
    if (!pointer) throw new Error(`Out of WebAssembly memory for ${bytes.byteLength} bytes`);
    this.heap().set(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes.buffer ?? bytes, bytes.byteOffset ?? 0, bytes.byteLength), pointer);
    return pointer;
  }

  withCopy(bytes, fn) {
    const pointer = this.copyIn(bytes);
    try {
      return fn(pointer);
    } finally {
      this.module._free(pointer);
    }
  }
}
