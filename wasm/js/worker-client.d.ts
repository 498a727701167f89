// Types of loadInWorker() (wasm/js/worker-client.js), also exported by the package root.
import type { Classification, Global, ImageInput, LoadOptions, ModelInfo, OperatorTiming, OutputTensor } from './index.js';

export interface WorkerLoadOptions extends LoadOptions {
  /** Where worker.js is served, if not next to this file (a module worker must be same-origin). */
  workerUrl?: string | Global<'URL'>;
}

/** The MobileNet interface, with the model in its own module worker. Every call is asynchronous. */
export declare class WorkerMobileNet {
  private constructor();
  readonly info: Readonly<ModelInfo>;
  readonly disposed: boolean;
  /** Image elements, canvases and video frames are turned into an ImageBitmap here and transferred. */
  classify(input: ImageInput, options?: { topK?: number }): Promise<Classification[]>;
  runTensor(input: ArrayBufferView): Promise<OutputTensor>;
  profile(options?: { runs?: number }): Promise<OperatorTiming[]>;
  /** Bytes in use on the worker's WebAssembly heap. */
  heapUsed(): Promise<number>;
  /** Terminates the worker, freeing all its memory; pending and later calls reject. */
  dispose(): void;
}

/** Loads a model into a new module worker. Browsers only (needs Worker); in Node use load(). */
export declare function loadInWorker(options: WorkerLoadOptions): Promise<WorkerMobileNet>;
