// What the Chromium benchmarks share: the repository and shared-data paths,
// command-line options, and Debian's Chromium (headless, no network
// services) with the demo server, which serves the package cross-origin
// isolated.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = process.env.MNW_SHARED_DIR ?? path.join(REPO, '..', 'shared');

// The value after `--name` on the command line, or the fallback.
export function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

// Starts the demo server and Chromium; resolves to { browser, url, close }.
export async function startBrowser() {
  const { server, url } = await startServer({ port: 0 });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    url,
    close: async () => {
      await browser.close();
      server.close();
    },
  };
}
