/* Forms that may be typed without a connection (form[data-offline]): a village with weak signal.
 *
 * Every such form carries a submission key made here when the page is shown. Sent while the phone is
 * offline, the form (text, chosen options and photos) is kept in this browser's IndexedDB instead, and the
 * page says how many entries wait. When the connection returns (or on the next page opened online) each
 * waiting entry is sent with its key; the server acts on a key once (organizations/web/submission_keys.py),
 * so an entry whose first sending arrived but whose answer was lost is not recorded twice. An entry the
 * server refuses (a 400 with the form's errors) stays on the phone, marked, until its owner deletes it.
 */
(function () {
  "use strict";
  var DB_NAME = "rectification-offline", STORE = "pending";
  var status = document.getElementById("offline-status");
  var sending = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var s = ""; for (var i = 0; i < 32; i++) { s += Math.floor(Math.random() * 16).toString(16); }
    return s;
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, {keyPath: "key"}); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function store(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        result = work(tx.objectStore(STORE));
      });
    });
  }

  function all() {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var request = db.transaction(STORE, "readonly").objectStore(STORE).getAll();
        request.onsuccess = function () { resolve(request.result || []); };
        request.onerror = function () { reject(request.error); };
      });
    });
  }

  function text(name) { return (status && status.getAttribute("data-" + name)) || ""; }

  function show() {
    if (!status || !window.indexedDB) { return Promise.resolve(); }
    return all().then(function (entries) {
      var waiting = entries.filter(function (e) { return !e.refused; });
      var refused = entries.filter(function (e) { return e.refused; });
      status.textContent = "";
      status.setAttribute("data-pending", String(waiting.length));
      status.setAttribute("data-refused", String(refused.length));
      if (waiting.length) {
        var p = document.createElement("p");
        p.textContent = text(navigator.onLine ? "sending" : "waiting").replace("{n}", waiting.length);
        status.appendChild(p);
      }
      refused.forEach(function (entry) {
        var p = document.createElement("p");
        p.className = "refused";
        p.textContent = text("refused").replace("{n}", entry.title) + " " + entry.refused;
        var drop = document.createElement("button");
        drop.type = "button"; drop.className = "linklike"; drop.textContent = text("delete");
        drop.addEventListener("click", function () {
          store("readwrite", function (s) { s.delete(entry.key); }).then(show);
        });
        p.appendChild(drop);
        status.appendChild(p);
      });
      status.hidden = !(waiting.length || refused.length);
    });
  }

  function keep(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
    var content = form.querySelector("textarea");
    var entry = {key: form.elements.submission_key.value, action: form.action || location.href,
                 title: (content && content.value.slice(0, 20)) || document.title, fields: fields,
                 created: new Date().toISOString(), refused: ""};
    return store("readwrite", function (s) { s.put(entry); }).then(function () {
      form.reset();
      form.elements.submission_key.value = newKey();
      return show();
    });
  }

  function firstError(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var node = doc.querySelector(".errorlist li") || doc.querySelector(".errors");
    return node ? node.textContent.trim() : "";
  }

  function send(entry) {
    var body = new FormData(), token = "";
    entry.fields.forEach(function (pair) {
      if (pair[0] === "csrfmiddlewaretoken") { token = pair[1]; }
      body.append(pair[0], pair[1]);
    });
    return fetch(entry.action, {method: "POST", body: body, credentials: "same-origin",
                                headers: {"X-CSRFToken": token}}).then(function (response) {
      if (response.status === 400) {
        return response.text().then(function (html) {
          entry.refused = firstError(html) || text("refused-unknown");
          return store("readwrite", function (s) { s.put(entry); });
        });
      }
      if (response.ok && response.url.indexOf("/accounts/login/") === -1) {
        return store("readwrite", function (s) { s.delete(entry.key); });
      }
      throw new Error("not sent: " + response.status);  // logged out, server error: try again later
    });
  }

  function flush() {
    if (sending || !navigator.onLine || !window.indexedDB) { return show(); }
    sending = true;
    return all().then(function (entries) {
      return entries.filter(function (e) { return !e.refused; }).reduce(function (chain, entry) {
        return chain.then(function () { return send(entry); });
      }, Promise.resolve());
    }).catch(function () { /* still offline or logged out: the entries wait */ })
      .then(function () { sending = false; return show(); });
  }

  document.querySelectorAll("form[data-offline]").forEach(function (form) {
    var input = form.elements.submission_key;
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden"; input.name = "submission_key";
      form.appendChild(input);
    }
    input.value = newKey();
    form.addEventListener("submit", function (event) {
      if (navigator.onLine || !window.indexedDB) { return; }  // online: the ordinary submission
      event.preventDefault();
      keep(form);
    });
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", show);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(status ? status.getAttribute("data-worker") : "/sw.js").catch(function () {});
  }
  flush();
}());
