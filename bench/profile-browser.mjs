#!/usr/bin/env node
// Per-operator profile of one model in headless Chromium: the table that
// `mobilenet bench --profile` prints natively, for the SIMD wasm build in the
// browser that users run. The page is cross-origin isolated (the demo
// server), so the clock ticks in microseconds rather than in 0.1 ms.
//
//   node bench/profile-browser.mjs [--model mobilenet_v2_1.0_224_quant] [--runs 50] [--threads 1]
//
// The input is fixed pseudo-random bytes (values in [0, 1] for float inputs).
// Before the timed runs the model runs for a second, so that V8 has replaced
// its baseline code with optimized code.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { arg, REPO, SHARED, startBrowser } from './browser.mjs';

const MODEL = arg('--model', 'mobilenet_v2_1.0_224_quant');
const RUNS = Number(arg('--runs', 50));
const THREADS = Number(arg('--threads', 1));
if (!existsSync(path.join(SHARED, 'models', `${MODEL}.tflite`))) {
  console.error(`needs ${SHARED}/models/${MODEL}.tflite (or MNW_SHARED_DIR)`);
  process.exit(2);
}
if (!existsSync(path.join(REPO, 'wasm', 'dist', 'mobilenet-core-simd.wasm'))) {
  console.error('needs the wasm build: bash scripts/build.sh wasm');
  process.exit(2);
}

// Runs in the page.
async function profileInPage({ model, runs, threads }) {
  const { load } = await import('/wasm/js/index.js');
  const engine = await load({ model: `/models/${model}.tflite`, threads, cache: false });
  const { dtype, bytes } = engine.info.inputs[0];
  const input = new Uint8Array(bytes);
  let state = 20240601;
  for (let i = 0; i < bytes; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    input[i] = state >>> 24;
  }
  const tensor = dtype === 'float32' ? Float32Array.from(input.subarray(0, bytes / 4), (b) => b / 255) : input;
  for (const start = performance.now(); performance.now() - start < 1000;) await engine.runTensor(tensor);
  const rows = await engine.profile({ runs });
  return { rows, kernels: engine.info.kernels, threads: engine.info.threads, isolated: crossOriginIsolated };
}

const { browser, url, close } = await startBrowser();
let result;
try {
  const page = await browser.newPage();
  // Any path of the server gives an isolated, same-origin document.
  await page.goto(`${url}/profile`);
  result = await page.evaluate(profileInPage, { model: MODEL, runs: RUNS, threads: THREADS });
} finally {
  await close();
}

const { rows } = result;
const total = rows.reduce((sum, row) => sum + row.ms, 0);
const totalMacs = rows.reduce((sum, row) => sum + row.macs, 0);
const pad = (value, width) => String(value).padStart(width);
console.log(`profile of ${MODEL} in Chromium ${browser.version()} (${result.kernels} kernels, ${result.threads} ` +
  `thread${result.threads > 1 ? 's' : ''}, trimmed mean of ${RUNS} runs${result.isolated ? '' : ', coarse timer'})`);
console.log(`${pad('op', 4)}  ${'type'.padEnd(18)} ${'output'.padEnd(16)} ${pad('MMAC', 10)} ${pad('ms', 9)} ` +
  `${pad('GMAC/s', 8)} ${pad('share', 6)}`);
rows.forEach((row, i) => {
  const rate = row.ms > 0 ? row.macs / row.ms / 1e6 : 0;
  console.log(`${pad(i, 4)}  ${row.type.padEnd(18)} ${row.output.join('x').padEnd(16)} ${pad((row.macs / 1e6).toFixed(2), 10)} ` +
    `${pad(row.ms.toFixed(3), 9)} ${pad(rate.toFixed(2), 8)} ${pad((100 * row.ms / total).toFixed(1), 5)}%` +
    (row.fusedInto >= 0 ? `  (runs in op ${row.fusedInto})` : ''));
});
console.log(`total ${total.toFixed(3)} ms, ${(totalMacs / 1e6).toFixed(1)} MMAC, ${(totalMacs / total / 1e6).toFixed(2)} GMAC/s`);

// Per operator type, the view that says where to look first.
const byType = new Map();
for (const row of rows) byType.set(row.type, (byType.get(row.type) ?? 0) + row.ms);
console.log([...byType].sort((a, b) => b[1] - a[1])
  .map(([type, ms]) => `${type} ${(100 * ms / total).toFixed(1)}%`).join(', '));
