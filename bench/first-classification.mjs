#!/usr/bin/env node
// Time to the first classification in a fresh browser: import the package,
// download the model, fetch and compile the wasm, load the model, classify
// one photo, as a visitor's first upload costs. Each run is a new browser
// context (empty HTTP cache, so no cached wasm code either), on the demo
// server (cross-origin isolated), with one thread and with threads: 'auto'.
//
//   node bench/first-classification.mjs [--runs 5] [--model mobilenet_v2_1.0_224_quant]
//
// Prints a table of medians in ms; the second classification is there to
// show what the first one paid for V8's baseline (Liftoff) code.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { arg, SHARED, startBrowser } from './browser.mjs';

const RUNS = Number(arg('--runs', 5));
const MODEL = arg('--model', 'mobilenet_v2_1.0_224_quant');
const PHOTO = path.join(SHARED, 'images', 'grace_hopper.bmp');
if (!existsSync(PHOTO) || !existsSync(path.join(SHARED, 'models', `${MODEL}.tflite`))) {
  console.error(`needs ${SHARED}/models/${MODEL}.tflite and ${PHOTO} (or MNW_SHARED_DIR)`);
  process.exit(2);
}

// Runs in the page: every step timed with performance.now().
async function firstClassification({ model, photo, threads }) {
  const t0 = performance.now();
  const { load } = await import('/wasm/js/index.js');
  const t1 = performance.now();
  const engine = await load({ model: `/models/${model}.tflite`, threads, cache: false });
  const t2 = performance.now();
  const bytes = Uint8Array.from(atob(photo), (c) => c.charCodeAt(0));
  const [top] = await engine.classify(bytes, { topK: 1 });
  const t3 = performance.now();
  await engine.classify(bytes, { topK: 1 });
  const t4 = performance.now();
  return { import: t1 - t0, load: t2 - t1, classify: t3 - t2, total: t3 - t0, second: t4 - t3,
    threads: engine.info.threads, label: top.label };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const { browser, url, close } = await startBrowser();
const photo = readFileSync(PHOTO).toString('base64');
const rows = [];
try {
  for (const threads of [1, 'auto']) {
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      // Any path of the server gives an isolated, same-origin document.
      await page.goto(`${url}/first-classification`);
      runs.push(await page.evaluate(firstClassification, { model: MODEL, photo, threads }));
      await context.close();
    }
    const row = { threads: runs[0].threads, label: runs[0].label };
    for (const key of ['import', 'load', 'classify', 'total', 'second']) row[key] = median(runs.map((x) => x[key]));
    rows.push(row);
  }
} finally {
  await close();
}

console.log(`First classification of ${path.basename(PHOTO)} with ${MODEL} in Chromium ${browser.version()}, ` +
  `medians of ${RUNS} fresh contexts (ms):`);
console.log('| threads | import package | load (download, compile, prepare) | first classify | total | second classify |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  const f = (x) => x.toFixed(1);
  console.log(`| ${r.threads} | ${f(r.import)} | ${f(r.load)} | ${f(r.classify)} | **${f(r.total)}** | ${f(r.second)} |`);
}
