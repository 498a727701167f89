// The published package: `npm pack` holds exactly the package files, and the
// tarball, installed into a fresh project and imported by name, classifies
// like the native CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  assertSameTop, DIST_FILES, hasShared, imageNames, imagePath, MODEL_CASES, modelPath, nativeTop5, needsShared,
  requireDist, ROOT,
} from './support.mjs';

const run = promisify(execFile);
const npm = (args, cwd) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 64 << 20 });

const JS_FILES = (await readdir(join(ROOT, 'wasm/js'))).filter((f) => /\.(js|d\.ts)$/.test(f)).map((f) => `wasm/js/${f}`);
const EXPECTED_FILES = [...JS_FILES, ...DIST_FILES, 'models/registry.js', 'package.json', 'README.md'].sort();

// Runs in the temporary project, so that 'mobilenet-wasm' resolves through
// node_modules and the package's exports map, as it will for users.
const CONSUMER = `
import { load, MODELS } from 'mobilenet-wasm';
import { loadInWorker } from 'mobilenet-wasm/worker';
import { readFile } from 'node:fs/promises';
const { cases, images } = JSON.parse(await readFile('cases.json', 'utf8'));
const results = {};
for (const { name, path, labels } of cases) {
  const model = await load({ model: path, labels });
  results[name] = [];
  for (const image of images) results[name].push(await model.classify(await readFile(image)));
  model.dispose();
}
console.log(JSON.stringify({ exports: [typeof load, typeof loadInWorker, MODELS.length], results }));
`;

test('npm pack holds exactly the JS, the .d.ts, the three wasm builds and the registry', async () => {
  requireDist();
  const { stdout } = await npm(['pack', '--dry-run', '--json'], ROOT);
  const [{ files }] = JSON.parse(stdout);
  assert.deepEqual(files.map((f) => f.path).sort(), EXPECTED_FILES);
});

describe('the packed tarball installed into a new project', () => {
  let work;
  let consumerOutput;

  before(async () => {
    requireDist();
    work = await mkdtemp(join(tmpdir(), 'mobilenet-wasm-package-'));
    const { stdout } = await npm(['pack', '--json', '--pack-destination', work], ROOT);
    const tarball = join(work, JSON.parse(stdout)[0].filename);
    const project = join(work, 'project');
    await run('mkdir', [project]);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // No dependencies, so this works offline.
    await npm(['install', '--offline', tarball], project);
    if (!hasShared) return;
    const cases = MODEL_CASES.map((c) => ({ name: c.name, path: modelPath(c.name), labels: c.labels }));
    await writeFile(join(project, 'cases.json'), JSON.stringify({ cases, images: imageNames().map(imagePath) }));
    await writeFile(join(project, 'consumer.mjs'), CONSUMER);
    consumerOutput = JSON.parse((await run(process.execPath, ['consumer.mjs'], { cwd: project, maxBuffer: 16 << 20 })).stdout);
  });

  after(() => work && rm(work, { recursive: true, force: true }));

  test('imports by name, with the ./worker subpath', (t) => {
    if (!needsShared(t)) return;
    assert.deepEqual(consumerOutput.exports.slice(0, 2), ['function', 'function']);
    assert.ok(consumerOutput.exports[2] > 0);
  });

  for (const modelCase of MODEL_CASES) {
    test(`${modelCase.name}: top-5 of every shared image equals the native CLI's`, async (t) => {
      if (!needsShared(t)) return;
      const images = imageNames();
      const expected = await nativeTop5(modelCase, images.map(imagePath));
      const actual = consumerOutput.results[modelCase.name];
      assert.equal(actual.length, images.length);
      images.forEach((image, i) => assertSameTop(actual[i], expected[i], `${modelCase.name} ${image}`));
    });
  }
});
