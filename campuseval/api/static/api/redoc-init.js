// Start Redoc on /api/redoc/ without an inline script; its styles carry the page's CSP nonce.
// Search is off: it runs in a blob: worker, which the page's CSP (rightly) refuses.
"use strict";
(function () {
  const el = document.getElementById("redoc-container");
  Redoc.init(el.dataset.specUrl, { nonce: el.dataset.nonce, disableSearch: true }, el);
})();
