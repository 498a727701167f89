// Error paths, concurrency and loading by URL, on the package source in Node.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { load } from '../../wasm/js/index.js';
import { hasShared, imageNames, imagePath, modelPath, needsShared, requireDist, SHARED } from './support.mjs';

const SMALL = 'mobilenet_v1_0.25_128_quant';
let model;

before(async () => {
  requireDist();
  if (hasShared) model = await load({ model: modelPath(SMALL) });
});
after(() => model?.dispose());

test('corrupt model bytes reject with a clear Error', async () => {
  requireDist();
  await assert.rejects(load({ model: new Uint8Array(4096).fill(7) }),
    { name: 'Error', message: /^Could not load the model: not a TFLite model/ });
});

test('threads: one in Node by default, more rejects clearly, nonsense is a RangeError', async (t) => {
  if (!needsShared(t)) return;
  assert.equal(model.info.threads, 1);
  await assert.rejects(load({ model: modelPath(SMALL), threads: 2 }),
    { name: 'Error', message: /^Threads need a browser .*\{ threads: 1 \}/ });
  await assert.rejects(load({ model: modelPath(SMALL), threads: 0 }), { name: 'RangeError', message: /threads/ });
  await assert.rejects(load({ model: modelPath(SMALL), threads: 'many' }), { name: 'RangeError', message: /threads/ });
});

test('a truncated model rejects, and the engine keeps working', async (t) => {
  if (!needsShared(t)) return;
  const bytes = await readFile(modelPath(SMALL));
  await assert.rejects(load({ model: bytes.subarray(0, bytes.length / 2) }), /^Error: Could not load the model: /);
  assert.equal((await model.classify(await readFile(imagePath('cat.bmp')), { topK: 1 }))[0].index, 286);
});

test('non-image bytes and bad inputs reject; the model keeps working', async (t) => {
  if (!needsShared(t)) return;
  await assert.rejects(model.classify(new TextEncoder().encode('this is not an image')),
    { name: 'Error', message: /not a recognised image format/ });
  await assert.rejects(model.classify({ data: new Uint8Array(12), width: 2, height: 2 }), { name: 'RangeError' });
  await assert.rejects(model.classify(42), { name: 'TypeError', message: /Unsupported input/ });
  await assert.rejects(model.classify(null), { name: 'TypeError' });
  await assert.rejects(model.classify(new Uint8Array(1), { topK: 0 }), { name: 'RangeError', message: /topK/ });
  await assert.rejects(model.runTensor(new Uint8Array(10)), { name: 'RangeError', message: /exactly 49152 bytes/ });
  const output = await model.runTensor(new Uint8Array(128 * 128 * 3));
  assert.ok(output instanceof Uint8Array && output.length === model.info.classes);
  assert.equal((await model.classify(await readFile(imagePath('cat.bmp')), { topK: 1 }))[0].index, 286);
});

test('use after dispose rejects, also for calls queued before it', async (t) => {
  if (!needsShared(t)) return;
  const doomed = await load({ model: modelPath(SMALL) });
  const image = await readFile(imagePath('cat.bmp'));
  const queued = [doomed.classify(image), doomed.classify(image)];
  doomed.dispose();
  doomed.dispose();  // twice is harmless
  assert.equal(doomed.disposed, true);
  for (const call of [...queued, doomed.classify(image), doomed.runTensor(new Uint8Array(49152))]) {
    await assert.rejects(call, { name: 'Error', message: 'This model has been disposed' });
  }
});

test('50 concurrent classify calls all give the sequential results', async (t) => {
  if (!needsShared(t)) return;
  const images = await Promise.all(imageNames().map((name) => readFile(imagePath(name))));
  const sequential = [];
  for (const image of images) sequential.push(await model.classify(image));
  const calls = Array.from({ length: 50 }, (_, i) => model.classify(images[i % images.length]));
  const concurrent = await Promise.all(calls);
  concurrent.forEach((result, i) => assert.deepEqual(result, sequential[i % images.length], `call ${i}`));
});

test('loading by URL: checksum, progress, registry names, HTTP errors', async (t) => {
  if (!needsShared(t)) return;
  const server = createServer(async (request, response) => {
    try {
      const body = await readFile(join(SHARED, 'models', basename(new URL(request.url, 'http://x').pathname)));
      // Several chunks, so that progress is reported more than once.
      response.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
      for (let i = 0; i < body.length; i += 65536) response.write(body.subarray(i, i + 65536));
      response.end();
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${server.address().port}/models/`;
  const url = `${base}${SMALL}.tflite`;
  const bytes = await readFile(modelPath(SMALL));
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  await assert.rejects(load({ model: url, sha256: '0'.repeat(64) }),
    { name: 'Error', message: `The model from ${url} failed its checksum: expected SHA-256 ${'0'.repeat(64)}, got ${sha256}` });

  const progress = [];
  const loaded = await load({ model: url, sha256, onProgress: (p) => progress.push(p) });
  assert.ok(progress.length > 2, `${progress.length} progress reports`);
  assert.deepEqual(progress.at(-1), { loaded: bytes.length, total: bytes.length });
  progress.slice(1).forEach((p, i) => assert.ok(p.loaded >= progress[i].loaded, 'loaded never decreases'));
  assert.equal((await loaded.classify(await readFile(imagePath('cat.bmp')), { topK: 1 }))[0].index, 286);
  loaded.dispose();

  // A registry name with a base URL: its own checksum is verified, its labels fetched.
  const named = await load({ model: SMALL, modelBaseUrl: base });
  assert.equal(named.info.name, SMALL);
  assert.equal((await named.classify(await readFile(imagePath('cat.bmp')), { topK: 1 }))[0].label, 'Egyptian cat');
  named.dispose();

  await assert.rejects(load({ model: `${base}missing.tflite` }), { message: `Could not download ${base}missing.tflite: HTTP 404` });
});

test('a file path reports progress once', async (t) => {
  if (!needsShared(t)) return;
  const progress = [];
  (await load({ model: modelPath(SMALL), onProgress: (p) => progress.push(p) })).dispose();
  const { size } = await stat(modelPath(SMALL));
  assert.deepEqual(progress, [{ loaded: size, total: size }]);
});

test('profile() times every operator without changing the output', async (t) => {
  if (!needsShared(t)) return;
  const input = new Uint8Array(128 * 128 * 3).map((_, i) => (i * 37) % 256);
  const before = await model.runTensor(input);
  const rows = await model.profile({ runs: 3 });
  assert.equal(rows.length, model.info.operatorCount);
  // The stem: 64x64x8 outputs, each a 3x3x3 window.
  assert.deepEqual(rows[0], { ...rows[0], type: 'CONV_2D', output: [1, 64, 64, 8], macs: 64 * 64 * 8 * 27, fusedInto: -1 });
  assert.ok(rows.every((row) => Number.isFinite(row.ms) && row.ms >= 0));
  assert.deepEqual(await model.runTensor(input), before);
  await assert.rejects(model.profile({ runs: 0 }), { name: 'RangeError', message: /runs/ });
});
