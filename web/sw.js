// Offline support: the page, its scripts and the engine are kept in a cache
// when first seen, and served from it when the network is gone. Network first,
// so an edited page or rebuilt engine shows on the next reload. Models and
// label files are not kept here: the package caches them itself (Cache API).
const CACHE = 'mobilenet-demo-shell-v1';

// Everything the page needs before it can classify anything. The first visit
// loads these before this worker controls the page, so they are fetched here.
const SHELL = [
  './',
  'app.js',
  'camera.js',
  'style.css',
  'icon.svg',
  'manifest.webmanifest',
  '/models/registry.js',
  '/wasm/js/index.js',
  '/wasm/js/core.js',
  '/wasm/js/inputs.js',
  '/wasm/js/models.js',
  '/wasm/js/worker-client.js',
  '/wasm/js/worker.js',
  '/wasm/dist/mobilenet-core-simd.mjs',
  '/wasm/dist/mobilenet-core-simd.wasm',
  '/wasm/dist/mobilenet-core-scalar.mjs',
  '/wasm/dist/mobilenet-core-scalar.wasm',
  '/wasm/dist/mobilenet-core-simd-threads.mjs',
  '/wasm/dist/mobilenet-core-simd-threads.wasm',
  '/wasm/dist/mobilenet-core-simd-threads.worker.js',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith('mobilenet-demo-shell-') && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

const isModelFile = (url) => url.pathname.startsWith('/models/') && url.pathname !== '/models/registry.js';

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || isModelFile(url)) return;
  event.respondWith(networkFirst(event.request));
});
