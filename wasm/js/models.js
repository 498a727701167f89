// Getting model bytes: from bytes, a URL, a registry name or (Node) a file
// path; verifying the SHA-256 when one is known; caching downloads in the
// browser's Cache API so a second visit does not download again.
import { findModel, LABEL_FILES } from '../../models/registry.js';
import { isNode } from './core.js';

const CACHE_NAME = 'mobilenet-wasm-models-v1';

function asBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

export async function sha256Hex(bytes) {
  if (!globalThis.crypto?.subtle) {
    throw new Error('Cannot verify a SHA-256 here: crypto.subtle needs a secure context (https or localhost)');
  }
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function looksLikeUrl(text) {
  return /^(https?:|blob:|data:|file:|\/|\.\.?\/)/.test(text) || (!isNode && !text.includes('\\'));
}

async function readBody(response, onProgress) {
  const total = Number(response.headers.get('content-length')) || 0;
  if (!onProgress || !response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  onProgress({ loaded, total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress({ loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function verify(bytes, expected, what) {
  if (!expected) return;
  const actual = await sha256Hex(bytes);
  if (actual !== expected.toLowerCase()) {
    throw new Error(`${what} failed its checksum: expected SHA-256 ${expected}, got ${actual}`);
  }
}

// Only verified bytes enter the cache, and a cached copy that no longer
// matches the expected checksum is dropped and downloaded again.
async function download(url, { cache, onProgress, sha256, what }) {
  const store = cache && typeof caches === 'object' ? await caches.open(CACHE_NAME) : null;
  const cached = store ? await store.match(url) : null;
  if (cached) {
    const bytes = new Uint8Array(await cached.arrayBuffer());
    try {
      await verify(bytes, sha256, what);
      onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength, cached: true });
      return bytes;
    } catch {
      await store.delete(url);
    }
  }
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`Could not download ${url}: ${error?.message ?? error}`);
  }
  if (!response.ok) throw new Error(`Could not download ${url}: HTTP ${response.status}`);
  const bytes = await readBody(response, onProgress);
  await verify(bytes, sha256, what);
  if (store) await store.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
  return bytes;
}

// Reads a file (Node, for paths and file: URLs) or downloads a URL, and
// checks options.sha256 when given.
async function fetchOrRead(source, options) {
  if (isNode && !/^(https?|blob|data):/.test(source)) {
    const { readFile } = await import('node:fs/promises');
    let bytes;
    try {
      bytes = new Uint8Array(await readFile(source.startsWith('file:') ? new URL(source) : source));
    } catch (error) {
      throw new Error(`Could not read ${source}: ${error.message}`);
    }
    options.onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength });
    await verify(bytes, options.sha256, options.what);
    return bytes;
  }
  return download(new URL(source, globalThis.location?.href).href, options);
}

// model: bytes, URL, file path (Node) or registry name. Returns { bytes, entry }.
export async function resolveModel(model, { sha256, cache = true, onProgress, modelBaseUrl } = {}) {
  if (model instanceof URL) model = model.href;
  const bytes = asBytes(model);
  if (bytes) {
    await verify(bytes, sha256, 'The model');
    return { bytes, entry: null };
  }
  if (typeof model !== 'string' || model === '') {
    throw new TypeError('load(): `model` must be a URL, a registry name, a file path (Node) or the model bytes');
  }
  const entry = findModel(model);
  let source = model;
  if (entry) {
    // A base URL (e.g. the demo's /models/) serves registry files locally.
    source = modelBaseUrl ? new URL(entry.file, modelBaseUrl).href : entry.url;
    if (!source) {
      throw new Error(`${entry.name} has no direct download URL (${entry.source}); pass its bytes or a URL instead`);
    }
  } else if (!looksLikeUrl(model) && !isNode) {
    throw new Error(`Unknown model '${model}': not a registry name or URL`);
  }
  const loaded = await fetchOrRead(source, { cache, onProgress, sha256: sha256 ?? entry?.sha256, what: `The model from ${source}` });
  return { bytes: loaded, entry };
}

// labels: an array of names, a URL/path of a text file, or undefined (then a
// registry model's label file is fetched next to it when modelBaseUrl is set,
// and otherwise the labels stored in the model are used).
export async function resolveLabels(labels, entry, { cache = true, modelBaseUrl } = {}) {
  if (Array.isArray(labels)) return labels.join('\n');
  if (typeof labels === 'string') return new TextDecoder().decode(await fetchOrRead(labels, { cache }));
  if (entry?.labels && modelBaseUrl) {
    const file = LABEL_FILES[entry.labels];
    const url = new URL(file.file, modelBaseUrl).href;
    return new TextDecoder().decode(await fetchOrRead(url, { cache, sha256: file.sha256, what: `The labels ${url}` }));
  }
  return '';
}
