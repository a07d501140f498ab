// The portal's service worker (progressive enhancement: every page works without it).
// When the network is gone, a page the customer opens shows the offline page: the repair line
// and the manager's phone from their last visit. It never stores a page: only the offline
// page in both languages and its static assets, in a cache named after this build's version,
// and (in a cache of its own) the manager's name and phone the last page showed, which signing
// in or out forgets.
const VERSION = "__VERSION__";
const STATIC = "portal-static-" + VERSION;
const DATA = "portal-offline-data";
const OFFLINE = { "zh-CN": "/offline?lang=zh-CN", en: "/offline?lang=en" };
const ASSETS = [OFFLINE["zh-CN"], OFFLINE.en, "/pkg/portal.css", "/favicon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC)
      .then((cache) => cache.addAll(ASSETS.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("portal-static-") && k !== STATIC).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // Whoever signs in or out next is not the person whose manager is stored.
    if (url.pathname === "/api/sign_in" || url.pathname === "/api/sign_out") event.waitUntil(caches.delete(DATA));
    return;
  }
  if (request.mode === "navigate") {
    // Pages always come from the network; only when it fails, the offline page.
    event.respondWith(fetch(request).catch(offlinePage));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(fetch(request).catch(() => caches.match(request, { cacheName: STATIC, ignoreSearch: true }).then((r) => r || Response.error())));
  }
});

async function offlinePage() {
  const stored = await (await caches.open(DATA)).match("/offline/lang");
  const lang = stored ? await stored.text() : "";
  const page = await caches.match(OFFLINE[lang] || OFFLINE["zh-CN"], { cacheName: STATIC });
  return page || Response.error();
}
