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

async function download(url, { cache, onProgress }) {
  const useCache = cache && typeof caches === 'object';
  const store = useCache ? await caches.open(CACHE_NAME) : null;
  const cached = store ? await store.match(url) : null;
  if (cached) {
    const bytes = new Uint8Array(await cached.arrayBuffer());
    onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength, cached: true });
    return bytes;
  }
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`Could not download ${url}: ${error?.message ?? error}`);
  }
  if (!response.ok) throw new Error(`Could not download ${url}: HTTP ${response.status}`);
  const bytes = await readBody(response, onProgress);
  if (store) await store.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
  return bytes;
}

async function fetchOrRead(source, options) {
  if (isNode && !/^(https?|blob|data):/.test(source)) {
    const { readFile } = await import('node:fs/promises');
    const target = source.startsWith('file:') ? new URL(source) : source;
    try {
      return new Uint8Array(await readFile(target));
    } catch (error) {
      throw new Error(`Could not read ${source}: ${error.message}`);
    }
  }
  const url = new URL(source, globalThis.location?.href).href;
  return download(url, options);
}

async function verify(bytes, expected, what) {
  if (!expected) return;
  const actual = await sha256Hex(bytes);
  if (actual !== expected.toLowerCase()) {
    throw new Error(`${what} failed its checksum: expected SHA-256 ${expected}, got ${actual}`);
  }
}

// model: bytes, URL, file path (Node) or registry name. Returns { bytes, entry }.
export async function resolveModel(model, { sha256, cache = true, onProgress, modelBaseUrl } = {}) {
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
  const loaded = await fetchOrRead(source, { cache, onProgress });
  await verify(loaded, sha256 ?? entry?.sha256, `The model from ${source}`);
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
    const bytes = await fetchOrRead(new URL(file.file, modelBaseUrl).href, { cache });
    await verify(bytes, file.sha256, `The labels ${file.file}`);
    return new TextDecoder().decode(bytes);
  }
  return '';
}
