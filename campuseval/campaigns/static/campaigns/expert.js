// Expert scoring page: confirm before submitting the scores (they lock). Saving itself is htmx
// (hx-post on change). No inline scripts (CSP).
(function () {
  "use strict";

  // htmx "settles" attributes by copying the old element's onto the new one for a moment;
  // browsers add an empty style="" to focused inputs, and copying it breaks the CSP
  // (style-src 'self'). Settle only classes and sizes.
  if (window.htmx) {
    window.htmx.config.attributesToSettle = ["class", "width", "height"];
  }

  // htmx swaps nothing on an error answer: say so where the expert is typing. A 404 means the
  // assignment is no longer open to this expert (the city review has ended).
  document.addEventListener("htmx:responseError", function (event) {
    var form = event.detail.elt && event.detail.elt.closest("form.ce-score-form");
    if (!form) {
      return;
    }
    var note = form.querySelector(".ce-save-error") || document.createElement("div");
    note.className = "ce-save-error small text-danger mt-1";
    note.setAttribute("role", "alert");
    var status = event.detail.xhr.status;
    note.textContent = status === 404
      ? "未能保存：市级终评已截止或这份评审已不再分配给您，请刷新页面。"
      : status === 503
        ? "系统繁忙，未能保存；您填写的内容仍在，请稍后再保存一次。"
        : "未能保存（服务器错误 " + status + "），请稍后再试。";
    form.appendChild(note);
  });

  // A session that timed out answers with the log-in page: go there instead of swapping it in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var url = event.detail.xhr.responseURL || "";
    if (url.indexOf("/accounts/login/") !== -1) {
      event.detail.shouldSwap = false;
      // Back to this page after logging in, not to the save address (POST only).
      window.location.assign(url.split("?")[0] + "?next=" + encodeURIComponent(window.location.pathname));
    }
  });

  // Forms marked data-confirm ask before they are sent: js/confirm.js (every page).
})();
