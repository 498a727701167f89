// Shared by the JS tests: where things are, the models and images they use,
// the native CLI as the reference, and a comparison of top-5 lists.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = resolve(process.env.MNW_SHARED_DIR ?? join(ROOT, '../shared'));
export const hasShared = existsSync(join(SHARED, 'models')) && existsSync(join(SHARED, 'images'));
const CLI = join(ROOT, 'build/native/mobilenet');

export const DIST_FILES = [
  ...['simd', 'scalar', 'simd-threads'].flatMap((variant) =>
    ['mjs', 'wasm'].map((ext) => `wasm/dist/mobilenet-core-${variant}.${ext}`)),
  'wasm/dist/mobilenet-core-simd-threads.worker.js',
];

/** Throws (failing the test) when the wasm build is missing. */
export function requireDist() {
  const missing = DIST_FILES.filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length) {
    throw new Error(`${missing.join(', ')} missing: build the wasm package first (bash scripts/build.sh wasm)`);
  }
}

/** Skips the test visibly when ../shared is absent; returns whether it may run. */
export function needsShared(t) {
  if (hasShared) return true;
  t.skip(`${SHARED} (models and images) is absent`);
  return false;
}

export const modelPath = (name) => join(SHARED, 'models', `${name}.tflite`);
export const imagePath = (name) => join(SHARED, 'images', name);
export const LABELS = join(SHARED, 'models/imagenet_labels.txt');
export const imageNames = () => readdirSync(join(SHARED, 'images')).sort();

// The models the package is checked with; `labels` where the model has none.
export const MODEL_CASES = [
  { name: 'mobilenet_v1_0.25_128_quant' },
  { name: 'mobilenet_v2_1.0_224_quant' },
  { name: 'mobilenet_v3_small_1.0_224_quant', labels: LABELS },
  { name: 'tf2_mobilenet_v3_small_1.0_224_ptq_float_io', labels: LABELS },
];

/** The native CLI's top-5 for each image: an array per image. */
export async function nativeTop5(modelCase, images) {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: build it first (bash scripts/build.sh native)`);
  const args = ['classify', '--model', modelPath(modelCase.name), '--json', '--top', '5'];
  if (modelCase.labels) args.push('--labels', modelCase.labels);
  const { stdout } = await promisify(execFile)(CLI, [...args, ...images], { maxBuffer: 16 << 20 });
  return JSON.parse(stdout);
}

/** Same classes in the same order, same labels, probabilities within 1e-6. */
export function assertSameTop(actual, expected, what) {
  assert.deepEqual(actual.map((c) => c.index), expected.map((c) => c.index), `${what}: indices`);
  assert.deepEqual(actual.map((c) => c.label), expected.map((c) => c.label), `${what}: labels`);
  actual.forEach((c, i) => {
    assert.ok(Math.abs(c.probability - expected[i].probability) <= 1e-6,
      `${what}: probability of ${c.index} is ${c.probability}, expected ${expected[i].probability}`);
  });
}
