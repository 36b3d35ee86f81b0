// County review pages: confirmations and auto-submitting selects (no inline scripts: CSP).
(function () {
  "use strict";

  // A button or form with data-confirm asks before it submits: js/confirm.js (every page).

  // A form marked data-autosubmit (the county switch) goes as soon as its select changes.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.tagName === "SELECT") {
      form.requestSubmit();
    }
  });
})();
