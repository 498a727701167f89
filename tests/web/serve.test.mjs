// The demo server (scripts/serve.mjs): what it serves, with which headers,
// and what it refuses.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MODELS } from '../../models/registry.js';
import { startServer } from '../../scripts/serve.mjs';
import { needsShared } from './support.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let server;
let base;
before(async () => {
  ({ server, url: base } = await startServer({ port: 0 }));
});
after(() => new Promise((resolve) => server.close(resolve)));

// fetch() would normalise '..' away; this sends the path exactly as written.
function rawGet(rawPath, method = 'GET') {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path: rawPath, method }, (response) => {
      response.resume();
      response.on('end', () => resolve(response));
    }).on('error', reject).end();
  });
}

test('serves the page, the package and the engine with their MIME types', async () => {
  const expected = {
    '/': 'text/html; charset=utf-8',
    '/app.js': 'text/javascript; charset=utf-8',
    '/style.css': 'text/css; charset=utf-8',
    '/sw.js': 'text/javascript; charset=utf-8',
    '/manifest.webmanifest': 'application/manifest+json; charset=utf-8',
    '/wasm/js/index.js': 'text/javascript; charset=utf-8',
    '/models/registry.js': 'text/javascript; charset=utf-8',
    '/wasm/dist/mobilenet-core-simd.mjs': 'text/javascript; charset=utf-8',
    '/wasm/dist/mobilenet-core-simd.wasm': 'application/wasm',
  };
  for (const [urlPath, type] of Object.entries(expected)) {
    const response = await fetch(new URL(urlPath, base));
    assert.equal(response.status, 200, urlPath);
    assert.equal(response.headers.get('content-type'), type, urlPath);
  }
});

test('isolates every response and sends a strict Content-Security-Policy', async () => {
  for (const urlPath of ['/', '/wasm/dist/mobilenet-core-simd.wasm', '/no-such-file']) {
    const { headers } = await fetch(new URL(urlPath, base));
    assert.equal(headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.equal(headers.get('cross-origin-resource-policy'), 'same-origin');
    assert.equal(headers.get('x-content-type-options'), 'nosniff');
    const policy = headers.get('content-security-policy');
    assert.match(policy, /default-src 'self'/);
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.doesNotMatch(policy, /unsafe-inline|'unsafe-eval'/);
  }
});

test('answers If-Modified-Since with 304 and HEAD without a body', async () => {
  const first = await fetch(new URL('/app.js', base));
  const again = await fetch(new URL('/app.js', base), { headers: { 'If-Modified-Since': first.headers.get('last-modified') } });
  assert.equal(again.status, 304);
  const head = await fetch(new URL('/app.js', base), { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  assert.equal((await fetch(new URL('/app.js', base), { method: 'POST' })).status, 405);
});

test('refuses paths outside the folders it serves', async () => {
  for (const rawPath of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/wasm/js/..%2f..%2fpackage.json',
                         '/wasm/dist/%2e%2e%2f%2e%2e%2fpackage.json', '/models/..%2f..%2fpackage.json', '/%00', '/..\\package.json',
                         '/models/', '/models/SOURCES.md', '/scripts/serve.mjs', '/package.json']) {
    const { statusCode } = await rawGet(rawPath);
    assert.ok(statusCode === 400 || statusCode === 404, `${rawPath} gave ${statusCode}`);
  }
});

test('serves the registry models from the shared folder', { skip: needsShared }, async () => {
  const [model] = MODELS;
  const response = await fetch(new URL(`/models/${model.file}`, base), { method: 'HEAD' });
  assert.equal(response.status, 200);
  assert.equal(Number(response.headers.get('content-length')), model.bytes);
  assert.equal((await fetch(new URL('/models/imagenet_labels.txt', base), { method: 'HEAD' })).status, 200);
});

test('listens where PORT says and prints the address', async () => {
  const child = spawn(process.execPath, [path.join(REPO, 'scripts', 'serve.mjs')], { env: { ...process.env, PORT: '0' } });
  try {
    const line = await new Promise((resolve, reject) => {
      child.stdout.once('data', (data) => resolve(String(data)));
      child.once('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
    });
    const [address] = line.match(/http:\/\/127\.0\.0\.1:\d+\//);
    assert.equal((await fetch(address)).status, 200);
  } finally {
    child.kill();
  }
});
