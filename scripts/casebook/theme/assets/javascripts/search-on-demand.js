// The search index is fetched when a reader first uses search, not with every page.
//
// Material asks for the whole index (search/search_index.json, about 180 KB compressed) as soon as
// a page loads, whether or not anyone searches. On a slow or metered connection that is most of a
// page's transfer, and Lighthouse's simulated phone counted the download against the page's largest
// paint whenever the request started before it (scores flipped between about 97 and 91 on the same
// build). This script runs before Material's bundle and holds that one request back until the
// reader moves towards search: the search box takes the focus (a tap on the search icon, a click,
// or Material's "/", "s" and "f" shortcuts, which focus it), or the pointer or a finger comes down
// on the search button. An address from a search result (?h=…, Material's highlighting) lets it go
// at once, as do the offline edition's file:// pages, where Material already waits for search to be
// opened. Every other request goes out untouched. Without JavaScript there is no search at all, as before.
(() => {
  const INDEX = /\/search\/search_index\.json$/;
  const held = []; // the send of each held request, to run when search is wanted
  const waiting = new WeakSet(); // requests opened for the index
  let wanted = location.protocol === "file:" || new URLSearchParams(location.search).has("h");
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    try {
      if (INDEX.test(new URL(url, document.baseURI).pathname)) waiting.add(this);
    } catch {
      // not a URL this script needs to know about
    }
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (!wanted && waiting.has(this)) {
      held.push(() => send.apply(this, args));
      return undefined;
    }
    return send.apply(this, args);
  };
  const want = () => {
    if (wanted) return;
    wanted = true;
    held.splice(0).forEach((go) => go());
  };
  document.addEventListener("focusin", (event) => {
    if (event.target instanceof Element && event.target.matches("input[data-md-component=search-query]")) want();
  });
  document.addEventListener(
    "pointerdown",
    (event) => {
      if (event.target instanceof Element && event.target.closest("label[for=__search], [data-md-component=search]")) want();
    },
    true,
  );
  document.addEventListener("change", (event) => {
    if (event.target instanceof Element && event.target.id === "__search") want();
  });
})();
