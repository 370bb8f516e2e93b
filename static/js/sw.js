/* The service worker (served at /sw.js so that it covers the whole site): keeps the static files and the
 * pages that can be filled offline (progress entry) so that they open without a connection. Everything
 * else goes to the network as usual; nothing is answered from the cache while the network answers. */
"use strict";
var CACHE = "rectification-v1";
var OFFLINE_PAGES = /\/ledger\/progress\/plans\/\d+\/add\/$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var keep = url.pathname.indexOf("/static/") === 0 || OFFLINE_PAGES.test(url.pathname);
  if (!keep) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) { return hit || Response.error(); });
  }));
});
