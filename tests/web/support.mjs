// Shared by the browser tests: the demo server, Debian's Chromium through
// playwright-core, the shared test images, and files made up for error cases.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHARED = process.env.MNW_SHARED_DIR ?? path.join(REPO, '..', 'shared');
export const ARTIFACTS = path.join(REPO, 'build', 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// A reason to skip (node:test prints it) when the shared models and images are missing.
export const needsShared = existsSync(path.join(SHARED, 'models')) && existsSync(path.join(SHARED, 'images'))
  ? false
  : `needs the shared models and images in ${SHARED} (or $MNW_SHARED_DIR)`;

export const imagePath = (name) => path.join(SHARED, 'images', name);
export const modelPath = (name) => path.join(SHARED, 'models', name);
export const imageBytes = (name) => readFileSync(imagePath(name));

export async function startBrowserAndServer() {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: run scripts/setup-deps.sh`);
  const { server, url } = await startServer({ port: 0 });
  // launch() gives every run a fresh temporary profile (its own --user-data-dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync',
           // A synthetic webcam, allowed without asking, for the camera test.
           '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// Opens the page in a fresh context and waits until the chosen model is ready.
export async function openPage(env, contextOptions = {}, initScript = undefined) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(env.url);
  return { context, page, problems };
}

export async function waitForModel(page, timeout = 30_000) {
  await page.locator('#model-status[data-state="ready"]').waitFor({ timeout });
}

// Waits for a photo's card to finish; resolves to what it shows.
export async function cardResult(page, fileName, timeout = 30_000) {
  const card = page.locator(`.card[data-name="${fileName}"]:is([data-state="done"], [data-state="error"])`);
  await card.waitFor({ timeout });
  return card.evaluate((element) => ({
    state: element.dataset.state,
    verdict: element.querySelector('.verdict-label').textContent,
    detail: element.querySelector('.card-error').textContent,
    meta: element.querySelector('.card-meta').textContent,
    predictions: [...element.querySelectorAll('.prediction')].map((item) => ({
      index: Number(item.dataset.index),
      name: item.querySelector('.prediction-name').textContent,
      probability: item.querySelector('.prediction-probability').textContent,
    })),
  }));
}

// ---- made-up files -----------------------------------------------------------

// A one-page PDF, as a person might pick by mistake.
export function pdfBytes() {
  return Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
    '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// A valid black RGB PNG of any size: all-zero rows compress to almost nothing,
// so a 72-megapixel image is a few hundred KB.
export function blackPng(width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;  // bits per channel
  header[9] = 2;  // RGB
  const rows = deflateSync(Buffer.alloc(height * (1 + width * 3)), { level: 1 });
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), pngChunk('IHDR', header),
                        pngChunk('IDAT', rows), pngChunk('IEND', Buffer.alloc(0))]);
}
