// The project's candidate for shared/peers/bench.mjs: the npm package's own
// wasm build (wasm/dist), timed side by side with TFLite-web in one Chromium
// run. `npm run bench:peers` serves the repository root as --candidate-root.
import { load as loadModel } from '../wasm/js/index.js';

export const name = 'mobilenet-wasm';

let model = null;

export async function load(modelBytes) {
  model?.dispose();
  model = await loadModel({ model: modelBytes });
}

export async function runTensor(input) {
  return model.runTensor(input);
}

export async function dispose() {
  model?.dispose();
  model = null;
}
