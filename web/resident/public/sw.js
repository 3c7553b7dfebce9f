// The resident page's service worker: keeps the page itself (HTML, scripts, styles) so it opens
// without a network and a report can be drafted offline. The API is never cached: the page keeps
// unsent reports itself (IndexedDB outbox) and sends them when the network is back.
const CACHE = 'linli-m-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== location.origin || !url.pathname.startsWith('/m/')) return;
  if (url.pathname.startsWith('/m/assets/')) {
    // hashed names never change: the cache first
    e.respondWith(caches.open(CACHE).then(async (c) => (await c.match(e.request)) ?? fetch(e.request).then((r) => (r.ok && c.put(e.request, r.clone()), r))));
    return;
  }
  if (e.request.mode === 'navigate') {
    // the page: the network first (a new release), the kept copy when offline
    e.respondWith(fetch(e.request).then((r) => {
      if (r.ok) caches.open(CACHE).then((c) => c.put('/m/', r.clone()));
      return r;
    }).catch(() => caches.match('/m/').then((r) => r ?? Response.error())));
  }
});
