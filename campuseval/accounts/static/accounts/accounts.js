// Account pages: confirm before a destructive form is sent, and show only the place field
// (region, school or department) that the chosen role is held in. Loaded as a file: the CSP forbids inline JS.
(function () {
  "use strict";

  // Forms marked data-confirm ask before they are sent: js/confirm.js (every page).

  function showPlace(select) {
    var option = select.options[select.selectedIndex];
    var place = option ? option.getAttribute("data-place") : "none";
    var wanted = place === "school" || place === "department" ? place : place === "none" ? "" : "region";
    select.form.querySelectorAll("[data-place-field]").forEach(function (box) {
      box.hidden = box.getAttribute("data-place-field") !== wanted;
    });
  }

  document.querySelectorAll(".ce-role-form select[name=role]").forEach(function (select) {
    showPlace(select);
    select.addEventListener("change", function () { showPlace(select); });
  });
})();
