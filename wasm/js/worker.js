// The module worker behind loadInWorker() (worker-client.js): it holds one
// model and answers the client's requests, so the page stays responsive while
// the model loads and runs.
//
// Requests:  { id, method: 'load', options, progress }
//            { id, method: 'classify', input, topK, owned }
//            { id, method: 'runTensor', tensor }
//            { id, method: 'profile', runs }
//            { id, method: 'heapUsed' }
// Replies:   { id, result } | { id, error: { name, message } } | { id, progress }
import { load } from './index.js';

let model = null;

const methods = {
  async load(id, { options, progress }) {
    if (model) throw new Error('This worker already holds a model');
    const onProgress = progress ? (report) => self.postMessage({ id, progress: report }) : undefined;
    model = await load({ ...options, onProgress });
    return { result: model.info };
  },
  async classify(id, { input, topK, owned }) {
    try {
      return { result: await model.classify(input, { topK }) };
    } finally {
      if (owned) input.close?.();  // an ImageBitmap the client made for this call
    }
  },
  async runTensor(id, { tensor }) {
    const result = await model.runTensor(tensor);
    return { result, transfer: [result.buffer] };
  },
  async profile(id, { runs }) {
    return { result: await model.profile({ runs }) };
  },
  async heapUsed() {
    return { result: model.heapUsed() };
  },
};

self.onmessage = async ({ data }) => {
  const { id, method } = data;
  try {
    if (!methods[method]) throw new Error(`Unknown request '${method}'`);
    if (method !== 'load' && !model) throw new Error('No model is loaded in this worker');
    const { result, transfer = [] } = await methods[method](id, data);
    self.postMessage({ id, result }, transfer);
  } catch (error) {
    self.postMessage({ id, error: { name: error?.name ?? 'Error', message: error?.message ?? String(error) } });
  }
};
