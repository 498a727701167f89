// Types of mobilenet-wasm (wasm/js/index.js). Worker client: worker-client.d.ts.

// A global class's instance type by name, or never where the project's
// TypeScript libs lack it (no DOM lib in Node-only projects), so that these
// declarations compile either way.
export type Global<Name extends string> = typeof globalThis extends Record<Name, { prototype: infer T }> ? T : never;

/** Anything classify() accepts. Encoded bytes are decoded by the engine (JPEG, PNG, BMP, GIF, ...). */
export type ImageInput =
  | ArrayBuffer
  | ArrayBufferView
  | RgbaPixels
  | Global<'Blob'>
  | Global<'ImageData'>
  | Global<'ImageBitmap'>
  | Global<'HTMLImageElement'>
  | Global<'HTMLCanvasElement'>
  | Global<'OffscreenCanvas'>
  | Global<'HTMLVideoElement'>
  | Global<'VideoFrame'>;

/** Raw RGBA pixels, 4 bytes per pixel, row by row. */
export interface RgbaPixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

export interface Classification {
  /** Output index (for ImageNet models with a background class, ImageNet class + 1). */
  index: number;
  /** The class name, or '' when the model has no labels and none were given. */
  label: string;
  /** Softmax probability, as the quantized output gives it (steps of 1/256 on uint8 models). */
  probability: number;
}

export interface LoadProgress {
  loaded: number;
  /** 0 when the server sends no Content-Length. */
  total: number;
  /** True when the model came from the browser's cache. */
  cached?: boolean;
}

export interface LoadOptions {
  /** A registry name (see MODELS), a URL, a file path (Node only) or the .tflite bytes. */
  model: string | Global<'URL'> | ArrayBuffer | ArrayBufferView;
  /** Class names, or the URL/path of a text file with one per line. Default: the model's own labels. */
  labels?: string[] | string;
  /** Default number of results of classify(). Default 5. */
  topK?: number;
  /** Expected SHA-256 (hex) of the model bytes; registry models have one. A mismatch rejects. */
  sha256?: string;
  /** Keep downloaded models in the browser's Cache API. Default true. */
  cache?: boolean;
  /** Called as the model downloads (or once, when read from a file or the cache). */
  onProgress?: (progress: LoadProgress) => void;
  /** Which engine build: 'auto' (SIMD where supported, the default), true (SIMD, or reject) or false (scalar). */
  simd?: 'auto' | boolean;
  /**
   * Threads that share each large layer: 'auto' (the default) takes up to 4 (the device's cores) in a
   * cross-origin-isolated page or worker (COOP: same-origin, COEP: require-corp), else 1. A number above 1
   * rejects where threads cannot run. Models loaded with the same settings share one set of threads.
   */
  threads?: 'auto' | number;
  /** Where the chosen build's .wasm is, if not next to this package (pair it with `simd`). In Node also a path. */
  wasmUrl?: string | Global<'URL'>;
  /** The chosen build's .wasm bytes (skips fetching). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Central crop kept before resizing, in (0, 1]. Default 0.95 (measured best on ImageNet samples; see README). */
  cropFraction?: number;
  /** Base URL serving registry files (models and label files) instead of their origin. */
  modelBaseUrl?: string;
  /** 'reference' runs the scalar reference kernels inside the chosen build (for diagnostics). */
  kernels?: 'auto' | 'reference';
}

export interface TensorInfo {
  name: string;
  shape: number[];
  dtype: 'uint8' | 'int8' | 'int32' | 'float32' | string;
  scale: number;
  zeroPoint: number;
  bytes: number;
}

export interface ModelInfo {
  /** Registry name and title when loaded by registry name, else null. */
  name: string | null;
  title: string | null;
  /** Whether the SIMD build of the engine runs this model. */
  simd: boolean;
  /** How many threads run this model (1 without cross-origin isolation). */
  threads: number;
  /** Size of the .tflite file. */
  modelBytes: number;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Input image size. */
  width: number;
  height: number;
  inputType: string;
  classes: number;
  /** Whether class names are known. */
  labels: boolean;
  /** Operator type → count. */
  ops: Record<string, number>;
  operatorCount: number;
  /** The kernel path in use, e.g. 'wasm' (SIMD) or 'reference'. */
  kernels: string;
  /** Bytes of activation memory the model uses. */
  arenaBytes: number;
  /** Bytes of lookup tables built at load to run some operators faster (wasm only). */
  tableBytes: number;
  description: string;
}

/** One operator's row in MobileNet.profile(). */
export interface OperatorTiming {
  /** TFLite operator name, e.g. 'CONV_2D'. */
  type: string;
  /** Shape of its first output. */
  output: number[];
  /** Multiply-accumulates (convolutions and FULLY_CONNECTED), else 0. */
  macs: number;
  /** Mean time in milliseconds, without the fastest and slowest tenth of the runs. */
  ms: number;
  /** Index of the operator that runs this one as part of its own work (byte-map fusion), else -1. */
  fusedInto: number;
}

export type OutputTensor = Uint8Array | Int8Array | Int32Array | Float32Array;

export declare class MobileNet {
  private constructor();
  readonly info: Readonly<ModelInfo>;
  readonly disposed: boolean;
  /** Top-K classes, most probable first. Calls are queued, so concurrent calls are safe. */
  classify(input: ImageInput, options?: { topK?: number }): Promise<Classification[]>;
  /** Runs the model on a raw input tensor (NHWC, the input's dtype, exactly info.inputs[0].bytes bytes). */
  runTensor(input: ArrayBufferView): Promise<OutputTensor>;
  /**
   * Times each operator over `runs` runs (default 20, after 3 untimed ones) on the last input given
   * to classify() or runTensor(). Browsers coarsen timers unless the page is cross-origin isolated.
   */
  profile(options?: { runs?: number }): Promise<OperatorTiming[]>;
  /** Frees the model's WebAssembly memory at once; pending and later calls reject. */
  dispose(): void;
  /** Bytes in use on the WebAssembly heap shared by models of the same engine build (for leak checks). */
  heapUsed(): number;
}

/** Loads a model. Rejects with an Error saying what is wrong (download, checksum, bad model). */
export declare function load(options: LoadOptions): Promise<MobileNet>;

/** True when this JavaScript engine runs WebAssembly SIMD. */
export declare function simdSupported(): boolean;
/** True in a cross-origin-isolated page or worker, where `threads` above 1 can run. */
export declare function threadsSupported(): boolean;

export interface ModelEntry {
  name: string;
  title: string;
  version: 1 | 2 | 3;
  inputSize: number;
  file: string;
  /** Direct download URL, or null when the model ships only inside an archive (see `source`). */
  url: string | null;
  source?: string;
  sha256: string;
  bytes: number;
  labels: 'imagenet' | 'inat_bird';
}

/** Known models, with their checksums. */
export declare const MODELS: readonly ModelEntry[];
export declare const DEFAULT_MODEL: string;
/** The registry entry with this name or file name, or null. */
export declare function findModel(name: string): ModelEntry | null;

export { loadInWorker, WorkerMobileNet, WorkerLoadOptions } from './worker-client.js';
