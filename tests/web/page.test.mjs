// The demo page end to end in Debian's Chromium: photos in by every route,
// top-5 out, model switching, the messages for things people get wrong,
// offline use, and screenshots (build/test-artifacts/web*.png) to look at.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LABEL_FILES, MODELS } from '../../models/registry.js';
import {
  ARTIFACTS, blackPng, cardResult, imageBytes, imagePath, modelPath, needsShared, openPage, pdfBytes,
  startBrowserAndServer, waitForModel,
} from './support.mjs';

const DEFAULT_MODEL = 'mobilenet_v3_large_minimalistic_1.0_224_quant';
const MILITARY_UNIFORM = 653;
const MORTARBOARD = 668;
const MACAW = 89;
const CAT_CLASSES = [282, 283, 284, 285, 286];  // tabby, tiger, Persian, Siamese, Egyptian

const PHOTOS = ['grace_hopper.bmp', 'cat.bmp', 'parrot.jpg'];

let env;
before(async () => {
  env = await startBrowserAndServer();
});
after(async () => {
  await env?.close();
});

// Hands files to the page the way a drop or a paste does. The File objects
// come from a spare file input of the test's own.
async function dispatchFiles(page, eventType, paths) {
  const spare = page.locator('#test-spare-input');
  if (await spare.count() === 0) {
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('input'),
      { type: 'file', id: 'test-spare-input', multiple: true, hidden: true })));
  }
  await spare.setInputFiles(paths);
  await spare.evaluate((input, eventType) => {
    const transfer = new DataTransfer();
    for (const file of input.files) transfer.items.add(file);
    const event = eventType === 'paste'
      ? new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true })
      : new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
    document.body.dispatchEvent(event);
  }, eventType);
}

async function chooseModel(page, name) {
  await page.getByLabel('Model', { exact: true }).selectOption(name);
  await waitForModel(page);
}

describe('the demo page', { skip: needsShared }, () => {
  test('classifies several photos chosen at once, from the keyboard, in a grid of results', async () => {
    // Records every model status line, to see the download progress go by.
    const { context, page, problems } = await openPage(env, {}, () => {
      window.statusLines = [];
      document.addEventListener('DOMContentLoaded', () => {
        const status = document.getElementById('model-status-text');
        new MutationObserver(() => window.statusLines.push(status.textContent))
          .observe(status, { childList: true, characterData: true, subtree: true });
      });
    });
    // Asked for early: Playwright intercepts file pickers only from then on.
    const chooserShown = page.waitForEvent('filechooser');
    await waitForModel(page);
    assert.equal(await page.getByLabel('Model', { exact: true }).inputValue(), DEFAULT_MODEL);
    assert.equal(await page.locator('#model-select option').count(), 9, 'every registry model is offered');
    const statusLines = await page.evaluate(() => window.statusLines);
    assert.ok(statusLines.some((line) => /^Downloading .*: [\d.]+ MB of 4\.0 MB$/.test(line)), statusLines.join('\n'));

    // Keyboard only: focus "Choose photos", Enter opens the file picker.
    await page.getByRole('button', { name: 'Choose photos' }).focus();
    await page.keyboard.press('Enter');
    const chooser = await chooserShown;
    assert.ok(chooser.isMultiple());
    await chooser.setFiles(PHOTOS.map(imagePath));

    assert.equal(await page.locator('.grid .card').count(), 3);
    const [grace, cat, parrot] = await Promise.all(PHOTOS.map((name) => cardResult(page, name)));
    assert.equal(grace.predictions[0].index, MILITARY_UNIFORM, JSON.stringify(grace));
    assert.equal(grace.verdict, 'Military uniform');
    assert.ok(CAT_CLASSES.includes(cat.predictions[0].index), JSON.stringify(cat));
    assert.equal(parrot.predictions[0].index, MACAW, JSON.stringify(parrot));
    // The page is cross-origin isolated: the threaded build, one thread per core up to 4.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const engine = cores > 1 ? `WebAssembly SIMD, ${Math.min(cores, 4)} threads` : 'WebAssembly SIMD';
    for (const result of [grace, cat, parrot]) {
      assert.equal(result.predictions.length, 5);
      assert.ok(result.meta.endsWith(` ms · ${engine}`), result.meta);
    }
    assert.match(await page.locator('#model-status-text').textContent(), new RegExp(`is ready · ${engine}`));
    await page.screenshot({ path: path.join(ARTIFACTS, 'web.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('switching models classifies the photos again and is remembered', async () => {
    const { context, page } = await openPage(env);
    await waitForModel(page);
    await page.locator('#file-input').setInputFiles([imagePath('grace_hopper.bmp'), imagePath('parrot.jpg')]);
    assert.equal((await cardResult(page, 'grace_hopper.bmp')).predictions[0].index, MILITARY_UNIFORM);

    // MobileNet V2 with the default 0.95 central crop: "military uniform"
    // first, "mortarboard" (the cap) among the rest.
    await chooseModel(page, 'mobilenet_v2_1.0_224_quant');
    const grace = await cardResult(page, 'grace_hopper.bmp');
    assert.equal(grace.predictions[0].index, MILITARY_UNIFORM, JSON.stringify(grace));
    assert.ok(grace.predictions.some((p) => p.index === MORTARBOARD));
    assert.equal((await cardResult(page, 'parrot.jpg')).predictions[0].index, MACAW);

    // The bird model has its own labels.
    await chooseModel(page, 'mobilenet_v2_1.0_224_inat_bird_quant');
    assert.match((await cardResult(page, 'parrot.jpg')).verdict, /Scarlet Macaw/);

    await page.reload();
    assert.equal(await page.getByLabel('Model', { exact: true }).inputValue(), 'mobilenet_v2_1.0_224_inat_bird_quant');
    await context.close();
  });

  test('takes photos by drag and drop and by paste', async () => {
    const { context, page } = await openPage(env);
    await waitForModel(page);
    await dispatchFiles(page, 'drop', [imagePath('cat.bmp')]);
    assert.ok(CAT_CLASSES.includes((await cardResult(page, 'cat.bmp')).predictions[0].index));
    await dispatchFiles(page, 'paste', [imagePath('parrot.jpg')]);
    assert.equal((await cardResult(page, 'parrot.jpg')).predictions[0].index, MACAW);
    await context.close();
  });

  test('takes a photo with a webcam on a desktop, and opens the camera app on a phone', async () => {
    const { context, page } = await openPage(env);
    await waitForModel(page);
    await page.getByRole('button', { name: 'Take a photo' }).click();
    await page.waitForFunction(() => document.getElementById('camera-video').videoWidth > 0);
    await page.getByRole('dialog', { name: 'Take a photo' }).getByRole('button', { name: 'Capture' }).click();
    const card = page.locator('.card[data-name^="camera-"]');
    const result = await cardResult(page, await card.getAttribute('data-name'));
    assert.equal(result.state, 'done');
    assert.match(result.meta, /640×480/);
    assert.equal(await page.locator('#camera-dialog').evaluate((dialog) => dialog.open), false);
    await context.close();

    const phone = await openPage(env, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const chooserShown = phone.page.waitForEvent('filechooser');
    await phone.page.getByRole('button', { name: 'Take a photo' }).tap();
    const chooser = await chooserShown;
    assert.equal(await chooser.element().getAttribute('capture'), 'environment');
    await phone.context.close();
  });

  test('explains a PDF, a damaged JPEG and a too-large image, and copes with a 40-megapixel one', async () => {
    const { context, page } = await openPage(env);
    await waitForModel(page);
    const files = [
      { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: pdfBytes() },
      { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: imageBytes('parrot.jpg').subarray(0, 20_000) },
      { name: 'huge-72mp.png', mimeType: 'image/png', buffer: blackPng(12_000, 6_000) },
      { name: 'panorama-40mp.png', mimeType: 'image/png', buffer: blackPng(8_000, 5_000) },
    ];
    await page.locator('#file-input').setInputFiles(files);

    const pdf = await cardResult(page, 'invoice.pdf');
    assert.equal(pdf.state, 'error');
    assert.equal(pdf.verdict, 'This is a PDF, not a photo');
    const broken = await cardResult(page, 'broken.jpg');
    assert.equal(broken.state, 'error');
    assert.equal(broken.verdict, 'This image is damaged');
    const huge = await cardResult(page, 'huge-72mp.png');
    assert.equal(huge.verdict, 'This image is too large');
    assert.match(huge.detail, /72\.0 megapixels; the limit is 64\.0/);
    const panorama = await cardResult(page, 'panorama-40mp.png', 60_000);
    assert.equal(panorama.state, 'done', JSON.stringify(panorama));
    assert.match(panorama.meta, /8000×5000/);
    await context.close();
  });

  test('says so when a model cannot be loaded, and offers to try again', async () => {
    // Service workers off so the route sees every request, the worker's too.
    const context = await env.browser.newContext({ serviceWorkers: 'block' });
    await context.route('**/models/*.tflite', (route) => route.fulfill({ status: 200, body: 'not a model' }));
    const page = await context.newPage();
    await page.goto(env.url);
    const notice = page.getByRole('alert');
    await notice.filter({ hasText: 'could not be loaded' }).waitFor();
    assert.match(await notice.textContent(), /checksum/);
    assert.equal(await page.locator('#model-status').getAttribute('data-state'), 'error');

    // The bad bytes were not cached: with the network fixed, trying again works.
    await context.unroute('**/models/*.tflite');
    await notice.getByRole('button', { name: 'Try again' }).click();
    await waitForModel(page);
    assert.equal(await notice.isVisible(), false);
    await context.close();
  });

  test('downloads a model this server lacks from the registry, or says it cannot', async () => {
    const context = await env.browser.newContext({ serviceWorkers: 'block' });
    const remote = MODELS.find((entry) => entry.url);
    const unpublished = MODELS.find((entry) => !entry.url);
    for (const entry of [remote, unpublished]) {
      await context.route(`**/models/${entry.file}`, (route) => route.fulfill({ status: 404 }));
    }
    // The registry's host, played from the shared folder (this machine is offline).
    const remoteRequests = [];
    await context.route(`${new URL(remote.url).origin}/**`, (route) => {
      remoteRequests.push(route.request().url());
      const file = path.basename(new URL(route.request().url()).pathname);
      return route.fulfill({ path: modelPath(file), headers: { 'Access-Control-Allow-Origin': '*' } });
    });
    const page = await context.newPage();
    await page.goto(env.url);
    await chooseModel(page, remote.name);
    assert.match(await page.locator('#engine-line').textContent(), new RegExp(`from ${new URL(remote.url).host}`));
    assert.deepEqual(remoteRequests.sort(), [remote.url, LABEL_FILES[remote.labels].url].sort());
    await page.locator('#file-input').setInputFiles(imagePath('parrot.jpg'));
    assert.equal((await cardResult(page, 'parrot.jpg')).predictions[0].index, MACAW);

    await page.getByLabel('Model', { exact: true }).selectOption(unpublished.name);
    const notice = page.getByRole('alert');
    await notice.filter({ hasText: 'could not be loaded' }).waitFor();
    assert.match(await notice.textContent(), /no public download address/);
    await context.close();
  });

  test('works offline once it has been loaded', async () => {
    const { context, page } = await openPage(env);
    await waitForModel(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.locator('#file-input').setInputFiles(imagePath('cat.bmp'));
    await cardResult(page, 'cat.bmp');

    await context.setOffline(true);
    await page.reload();
    await waitForModel(page);
    await page.locator('#file-input').setInputFiles(imagePath('parrot.jpg'));
    assert.equal((await cardResult(page, 'parrot.jpg')).predictions[0].index, MACAW);
    await context.close();
  });

  test('fits a phone screen', async () => {
    const { context, page } = await openPage(env, {
      viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    });
    await waitForModel(page);
    await page.locator('#file-input').setInputFiles(PHOTOS.map(imagePath));
    await Promise.all(PHOTOS.map((name) => cardResult(page, name)));
    // A phone browser widens its layout to fit wide content, so compare with the screen itself.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - 390);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-phone.png'), fullPage: true });
    await context.close();
  });
});

test('explains that the page needs WebAssembly when the browser has none', async () => {
  const context = await env.browser.newContext();
  await context.addInitScript(() => {
    delete globalThis.WebAssembly;
  });
  const page = await context.newPage();
  await page.goto(env.url);
  const notice = page.getByRole('alert');
  await notice.filter({ hasText: 'This browser cannot run WebAssembly' }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Choose photos' }).isDisabled());
  assert.ok(await page.getByLabel('Model', { exact: true }).isDisabled());
  await context.close();
});
