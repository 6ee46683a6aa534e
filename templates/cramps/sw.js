{% autoescape off %}// Crampless service worker (rendered by cramps.views.offline.service_worker).
// After one visit the guide, the technique, red-flag, prevention and evidence pages and their
// static files are on the device: the guide opens in flight mode. Pages come from the network
// when it answers (always the latest), else from the copy kept here; static files have hashed
// names, so a kept copy is never stale.
"use strict";

const VERSION = "{{ version }}";
const CACHE = "crampless-" + VERSION;
const PAGES = {{ pages }};
const ASSETS = {{ assets }};
const FALLBACK = {{ fallback }};
// A signed-in person's own pages where they log offline (outbox.js): kept from their last
// visit in a cache of their own, which logging out deletes.
const MINE = new Set({{ mine }});
const MINE_CACHE = "crampless-mine";
const ASSET_SET = new Set(ASSETS);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // Without cookies: the kept pages are the public ones, never a signed-in user's own page.
      cache.addAll([...PAGES, ...ASSETS].map((url) => new Request(url, { credentials: "omit" })))
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("crampless-") && key !== CACHE && key !== MINE_CACHE)
          .map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (ASSET_SET.has(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok && !response.redirected && MINE.has(url.pathname)) {
          const copy = response.clone();
          event.waitUntil(caches.open(MINE_CACHE).then((cache) => cache.put(url.pathname, copy)));
        }
        return response;
      }).catch(() =>
        caches.match(url.pathname, { ignoreSearch: true })
          .then((hit) => hit || caches.match(FALLBACK))
      )
    );
  }
});
{% endautoescape %}
