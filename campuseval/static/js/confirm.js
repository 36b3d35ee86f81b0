// Every page: a form, or the button that sends it, marked data-confirm asks before it is sent
// (publish, submit, withdraw, unassign, ...); htmx forms use hx-confirm instead. Loaded as a
// file from base.html: the Content Security Policy forbids inline scripts.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
