// The package in Debian's Chromium (Playwright): tests/js/fixtures/browser.html
// classifies on the main thread and through loadInWorker(), with the SIMD
// build (threaded and on one thread) and the scalar build, and must agree
// with Node. Served from 127.0.0.1 with COOP/
// COEP, once plainly and once under a strict Content-Security-Policy.
import assert from 'node:assert/strict';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { load } from '../../wasm/js/index.js';
import { noiseTensor } from './fixtures/noise.js';
import { profileSummary } from './fixtures/profile.js';
import { assertSameTop, hasShared, imagePath, modelPath, requireDist, ROOT, SHARED } from './support.mjs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STRICT_CSP = "script-src 'self' 'wasm-unsafe-eval'";
const PAGE = '/tests/js/fixtures/browser.html';
const IMAGES = ['grace_hopper.bmp', 'cat.bmp', 'parrot.jpg'];
const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.bmp': 'image/bmp', '.jpg': 'image/jpeg', '.txt': 'text/plain; charset=utf-8',
};

// Static files: /shared/... from ../shared, everything else from the repository.
function startServer({ csp }) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const [root, relative] = path.startsWith('/shared/') ? [SHARED, path.slice('/shared/'.length)] : [ROOT, path.slice(1)];
    const file = resolve(root, relative);
    const info = file.startsWith(root + sep) ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) return response.writeHead(404).end();
    response.writeHead(200, {
      'content-type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
      ...(csp ? { 'content-security-policy': csp } : {}),
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

// What Node gives for the page's model and images, and the output bytes
// for the page's noise tensor: the reference.
async function nodeResults() {
  const model = await load({ model: modelPath('mobilenet_v2_1.0_224_quant') });
  const results = {};
  for (const name of IMAGES) results[name] = await model.classify(await readFile(imagePath(name)));
  results.tensor = Array.from(await model.runTensor(noiseTensor()));
  results.profile = profileSummary(await model.profile({ runs: 2 }));
  model.dispose();
  return results;
}

describe('in Chromium', { skip: !hasShared && `${SHARED} (models and images) is absent` }, () => {
  let browser;
  let profile;
  let expected;
  const servers = [];

  before(async () => {
    requireDist();
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing (bash scripts/setup-deps.sh installs it)`);
    const { chromium } = await import('playwright-core');
    profile = await mkdtemp(join(tmpdir(), 'mobilenet-wasm-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    expected = await nodeResults();
  });

  after(async () => {
    await browser?.close();
    servers.forEach((server) => server.close());
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  // Opens the page on a fresh server and returns its report and console errors.
  async function openPage(csp) {
    const server = await startServer({ csp });
    servers.push(server);
    const page = await browser.newPage();
    const problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || /eval|Content.Security|streaming/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`http://127.0.0.1:${server.address().port}${PAGE}`);
    await page.waitForFunction(() => window.report?.done, null, { timeout: 120_000 });
    const report = await page.evaluate(() => window.report);
    await page.close();
    return { report, problems };
  }

  // The page reports a rejection as { type, message }: an Error with the engine's message.
  function assertError(failure, message, what) {
    assert.equal(failure?.type, 'Error', what);
    assert.match(failure.message, message, what);
  }

  function checkReport(report) {
    assert.equal(report.error, undefined);
    assert.equal(report.crossOriginIsolated, true);
    // The page is cross-origin isolated: threads by default, up to 4.
    const threads = Math.min(report.hardwareConcurrency, 4);
    for (const [run, outcome] of Object.entries(report.runs)) {
      const scalar = /Scalar/.test(run);
      assert.deepEqual(outcome.info, {
        simd: !scalar,
        threads: scalar || /OneThread/.test(run) ? 1 : threads,
        kernels: scalar ? 'reference' : 'wasm',
        classes: 1001,
      }, run);
      for (const name of IMAGES) assertSameTop(outcome.results[name], expected[name], `${run} ${name}`);
      assertSameTop(outcome.blob, expected['cat.bmp'], `${run} Blob`);
      // A BMP has no colour profile: the browser's pixels are the engine's.
      assertSameTop(outcome.imageElement, expected['grace_hopper.bmp'], `${run} <img>`);
      // Byte for byte, threaded or not.
      assert.deepEqual(outcome.tensor, ['Uint8Array', expected.tensor], run);
      assert.ok(outcome.heapUsed > 0, run);
      assert.deepEqual(outcome.profile, expected.profile, run);
      assertError(outcome.notAnImage, /^not a recognised image format/, run);
      assert.deepEqual(outcome.afterDispose, { type: 'Error', message: 'This model has been disposed' }, run);
    }
    // The first load downloads the model; the others take it from the Cache API.
    assert.deepEqual(Object.values(report.runs).map((outcome) => outcome.cachedLoad), [false, true, true, true, true]);
    assertError(report.badModel, /^Could not load the model: not a TFLite model/, 'loadInWorker() of bad bytes');
  }

  test('main thread and worker, SIMD (threaded and not) and scalar, equal Node', async () => {
    const { report, problems } = await openPage(null);
    checkReport(report);
    assert.deepEqual(problems, []);
  });

  test('the same under a strict Content-Security-Policy, with no violations', async () => {
    const { report, problems } = await openPage(STRICT_CSP);
    assert.deepEqual(report.violations, []);
    checkReport(report);
    assert.deepEqual(problems, []);
  });
});
