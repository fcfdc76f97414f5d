'use strict';
// Feedboard's service worker. The app shell (the page, its script, wasm, style, icons
// and manifest) is cached when the worker installs, so the app opens without a network
// and reconnects to the broker when the network is back; notifications are shown
// through this registration, so they reach the user with the tab in the background.
//
// `cargo xtask post-build` stamps the two placeholders below with the build's files
// and a hash of them: every build is a new worker, which installs beside the running
// one and waits — the page offers the update, the user chooses when (never mid-session).

const VERSION = '__FEEDBOARD_VERSION__';
const SHELL = __FEEDBOARD_SHELL__;
const CACHE = 'feedboard-shell-' + VERSION;
const FILES = 'feedboard-files';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('feedboard-shell-') && key !== CACHE) {
        await caches.delete(key);
      }
    }
    await self.clients.claim();
  })());
});

// The page asks for the waiting version once the user chose to update.
self.addEventListener('message', (event) => {
  if (event.data === 'feedboard-update-now') {
    self.skipWaiting();
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) {
    return;
  }
  event.respondWith((async () => {
    const shell = await caches.open(CACHE);
    // The page itself, whatever its query or fragment: the cached shell.
    const cached = request.mode === 'navigate' && url.pathname === new URL('./', self.location).pathname
      ? await shell.match('./')
      : await shell.match(request);
    if (cached) {
      return cached;
    }
    // Anything else of this site (feedboard.json): the network, and the last copy
    // when there is none.
    const files = await caches.open(FILES);
    try {
      const response = await fetch(request);
      if (response.ok) {
        await files.put(request, response.clone());
      }
      return response;
    } catch (offline) {
      return (await files.match(request)) || Response.error();
    }
  })());
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    if (windows.length > 0) {
      return windows[0].focus();
    }
    return self.clients.openWindow('./');
  })());
});
