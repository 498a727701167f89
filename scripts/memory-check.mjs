#!/usr/bin/env node
// Leak check of the npm package: after a warm-up, many classify() calls on
// one model and many load()/classify()/dispose() cycles must leave the
// WebAssembly heap (bytes allocated, from heapUsed()) exactly where it was.
//
//   node scripts/memory-check.mjs [--classify 10000] [--cycles 1000]
//                                 [--model M.tflite] [--image IMG] [--scalar]
//
// Prints the figures as JSON and exits 1 if the heap moved. Needs the wasm
// build (bash scripts/build.sh wasm) and, by default, the model and image of
// ../shared (or $MNW_SHARED_DIR). tests/js/memory.test.mjs runs the same
// check with small counts.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { load } from '../wasm/js/index.js';

const SHARED = process.env.MNW_SHARED_DIR ?? resolve(fileURLToPath(import.meta.url), '../../../shared');
export const DEFAULTS = {
  model: `${SHARED}/models/mobilenet_v1_0.25_128_quant.tflite`,
  image: `${SHARED}/images/cat.bmp`,
  classifyCalls: 10000,
  loadCycles: 1000,
  simd: 'auto',
};

export async function memoryCheck(options = {}) {
  const {
    model: modelPath = DEFAULTS.model, image: imagePath = DEFAULTS.image, classifyCalls = DEFAULTS.classifyCalls,
    loadCycles = DEFAULTS.loadCycles, simd = DEFAULTS.simd,
  } = options;
  const [modelBytes, image] = await Promise.all([readFile(modelPath), readFile(imagePath)]);
  const loadOptions = { model: modelBytes, simd };

  // Warm-up: the engine instance, one model, one cycle, buffers that keep
  // their capacity (such as the result text) at their working size.
  const model = await load(loadOptions);
  const expected = await model.classify(image);
  const warm = await load(loadOptions);
  await warm.classify(image);
  warm.dispose();
  const start = model.heapUsed();

  let time = performance.now();
  for (let i = 0; i < classifyCalls; i++) {
    const result = await model.classify(image);
    if (i === classifyCalls - 1 && JSON.stringify(result) !== JSON.stringify(expected)) {
      throw new Error(`classify() result changed after ${classifyCalls} calls`);
    }
  }
  const afterClassify = model.heapUsed();
  const classifyMs = (performance.now() - time) / Math.max(1, classifyCalls);

  time = performance.now();
  let peak = start;
  for (let i = 0; i < loadCycles; i++) {
    const cycle = await load(loadOptions);
    await cycle.classify(image);
    peak = Math.max(peak, cycle.heapUsed());
    cycle.dispose();
  }
  const afterCycles = model.heapUsed();
  const cycleMs = (performance.now() - time) / Math.max(1, loadCycles);
  model.dispose();

  return {
    model: modelPath, simd: model.info.simd, classifyCalls, loadCycles,
    heapStart: start, heapAfterClassify: afterClassify, heapAfterCycles: afterCycles, heapPeakDuringCycles: peak,
    msPerClassify: Number(classifyMs.toFixed(2)), msPerCycle: Number(cycleMs.toFixed(2)),
    ok: afterClassify === start && afterCycles === start,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      classify: { type: 'string' }, cycles: { type: 'string' }, model: { type: 'string' }, image: { type: 'string' },
      scalar: { type: 'boolean' },
    },
  });
  const report = await memoryCheck({
    classifyCalls: values.classify && Number(values.classify),
    loadCycles: values.cycles && Number(values.cycles),
    model: values.model,
    image: values.image,
    simd: values.scalar ? false : 'auto',
  });
  console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.ok ? 0 : 1;
}
