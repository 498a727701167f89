#!/usr/bin/env node
// The demo's web server: static files only, no dependencies.
//
//   node scripts/serve.mjs            http://127.0.0.1:8080/ (PORT=... to change)
//
//   /                   web/ (the page, its worker and service worker)
//   /wasm/js/, /wasm/dist/, /models/registry.js   the package, from this repo
//   /models/<file>      the registry's models and label files, from the shared
//                       models folder (../shared/models, or $MNW_SHARED_DIR/models)
//                       when it has them; otherwise 404 and the page downloads
//                       them from the registry's URLs instead.
//
// Every response is cross-origin isolated (COOP + COEP, so wasm threads can be
// used later) and carries a strict Content-Security-Policy.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LABEL_FILES, MODELS } from '../models/registry.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = process.env.MNW_SHARED_DIR ?? path.join(REPO, '..', 'shared');

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.tflite': 'application/octet-stream',
};

// The page may fetch models from the registry's hosts when this server lacks them.
const MODEL_ORIGINS = [...new Set([...MODELS, ...Object.values(LABEL_FILES)]
  .filter((entry) => entry.url).map((entry) => new URL(entry.url).origin))];

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  `connect-src 'self' ${MODEL_ORIGINS.join(' ')}`,
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

// URL prefix -> folder. Longest prefix first; '/' (web/) last.
const MOUNTS = [
  ['/wasm/js/', path.join(REPO, 'wasm', 'js')],
  ['/wasm/dist/', path.join(REPO, 'wasm', 'dist')],
  ['/', path.join(REPO, 'web')],
];

// Only the files the registry names are served from the shared folder.
const SHARED_MODEL_FILES = new Set([...MODELS, ...Object.values(LABEL_FILES)].map((entry) => entry.file));

// Maps a request path to a file on disk, or null when it names nothing we serve.
function resolveFile(urlPath) {
  if (urlPath === '/models/registry.js') return path.join(REPO, 'models', 'registry.js');
  if (urlPath.startsWith('/models/')) {
    const name = urlPath.slice('/models/'.length);
    return SHARED_MODEL_FILES.has(name) ? path.join(SHARED, 'models', name) : null;
  }
  if (urlPath.endsWith('/')) urlPath += 'index.html';
  for (const [prefix, folder] of MOUNTS) {
    if (!urlPath.startsWith(prefix)) continue;
    const file = path.join(folder, urlPath.slice(prefix.length));
    // path.join resolved any '..'; what lands outside the folder is refused.
    return file.startsWith(folder + path.sep) ? file : null;
  }
  return null;
}

function decodePath(rawUrl) {
  let urlPath;
  try {
    urlPath = decodeURIComponent(new URL(rawUrl, 'http://localhost').pathname);
  } catch {
    return null;
  }
  // Backslashes and NULs have no business in a path we serve.
  if (urlPath.includes('\0') || urlPath.includes('\\')) return null;
  if (urlPath.split('/').some((segment) => segment === '..')) return null;
  return urlPath;
}

function sendError(response, status, message) {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${status} ${message}\n`);
}

async function handle(request, response) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return sendError(response, 405, 'Method Not Allowed');
  }
  const urlPath = decodePath(request.url);
  const file = urlPath === null ? null : resolveFile(urlPath);
  if (!file) return sendError(response, urlPath === null ? 400 : 404, urlPath === null ? 'Bad Request' : 'Not Found');
  let info;
  try {
    info = await stat(file);
  } catch {
    return sendError(response, 404, 'Not Found');
  }
  if (!info.isFile()) return sendError(response, 404, 'Not Found');

  const lastModified = new Date(Math.floor(info.mtimeMs / 1000) * 1000);
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Type': MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Last-Modified': lastModified.toUTCString(),
    // Revalidate every time: a rebuilt wasm or edited page shows on reload.
    'Cache-Control': 'no-cache',
  };
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  if (!Number.isNaN(since) && lastModified.getTime() <= since) {
    response.writeHead(304, headers);
    return response.end();
  }
  response.writeHead(200, { ...headers, 'Content-Length': info.size });
  if (request.method === 'HEAD') return response.end();
  createReadStream(file).on('error', () => response.destroy()).pipe(response);
}

/** Starts the server; resolves to { server, url } once it listens. port 0 picks a free one. */
export function startServer({ port = 8080, host = '127.0.0.1' } = {}) {
  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendError(response, 500, 'Internal Server Error');
      else response.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actualPort } = server.address();
      resolve({ server, url: `http://${host}:${actualPort}/` });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: PORT must be a port number, got '${process.env.PORT}'`);
    process.exit(2);
  }
  try {
    const { url } = await startServer({ port });
    console.log(`mobilenet-wasm demo: open ${url}  (Ctrl+C stops it)`);
  } catch (error) {
    console.error(error.code === 'EADDRINUSE'
      ? `serve: port ${port} is in use; run with PORT=<another port>`
      : `serve: ${error.message}`);
    process.exit(1);
  }
}
