// Text limits: a textarea or input with data-maxlength shows how much is typed against its limit. The
// browser never cuts the text (no maxlength): the server refuses what is too long, saying so.
(function () {
  "use strict";

  function update(area) {
    var note = document.getElementById(area.id + "-count");
    if (!note) { return; }
    var limit = parseInt(area.dataset.maxlength, 10);
    var n = area.value.length;
    note.textContent = "已输入 " + n + " / " + limit + " 字" + (n > limit ? "，超出 " + (n - limit) + " 字，保存时会被拒绝" : "");
    note.classList.toggle("text-danger", n > limit);
  }

  function all(root) {
    (root || document).querySelectorAll("[data-maxlength]").forEach(update);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-maxlength]")) { update(event.target); }
  });
  document.addEventListener("htmx:load", function (event) { all(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { all(document); });
})();
