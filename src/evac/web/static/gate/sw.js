// The station page's service worker, served at /gate/sw.js so that its scope covers
// /gate/station: it keeps the page and its scripts, so that the page opens again with the
// network cut. Only the page's shell passes through it; check-ins and the bundle go straight
// to the network (the page queues what fails), and nothing holding names is cached here.

const CACHE = "evac-station-v1";
const PAGE = "/gate/station";
const SHELL = [
  PAGE,
  "/static/evac.css",
  "/static/gate/station.css",
  "/static/gate/pass.js",
  "/static/gate/store.js",
  "/static/gate/station.js",
];

function isShell(url) {
  return url.origin === self.location.origin &&
    SHELL.includes(url.pathname);
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

// Network first, so that a station on line always runs the newest page; the copy kept is
// what opens when the network is cut.
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || !isShell(url)) return;
  event.respondWith(
    fetch(event.request)
      .then((answer) => {
        if (answer.ok && !answer.redirected) {
          const copy = answer.clone();
          caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return answer;
      })
      // the page asked for in another language (?lang=) opens as last kept, offline
      .catch(() => caches.match(event.request, { ignoreSearch: true }).then((kept) => kept || Response.error()))
  );
});
