// City pages: confirm before a form marked data-confirm is sent (publish, unassign), and in a
// decision form ask for the reason as soon as the chosen tier differs from the engine's tier.
// Loaded as a file: the Content Security Policy forbids inline scripts.
(function () {
  "use strict";

  // Forms marked data-confirm ask before they are sent: js/confirm.js (every page).

  function requireReason(form) {
    var tier = form.querySelector("select[name=tier]");
    var reason = form.querySelector("input[name=reason]");
    if (!tier || !reason) {
      return;
    }
    reason.required = tier.value !== form.getAttribute("data-scored-tier");
  }

  document.querySelectorAll("form.ce-decide").forEach(function (form) {
    requireReason(form);
    form.addEventListener("change", function () { requireReason(form); });
  });
})();
