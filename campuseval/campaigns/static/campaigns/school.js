// The school's application page: confirmations, the area tree on phones, jumps to an
// indicator from the summary, the evidence forms and upload progress. Loaded as a file: the
// Content Security Policy forbids inline scripts.
(function () {
  "use strict";

  var small = window.matchMedia("(max-width: 991.98px)");

  // Plain forms marked data-confirm ask before they are sent: js/confirm.js (every page).

  function collapseOf(el) {
    return window.bootstrap ? window.bootstrap.Collapse.getOrCreateInstance(el, { toggle: false }) : null;
  }

  function setArea(body, open) {
    var c = collapseOf(body);
    if (c) { open ? c.show() : c.hide(); }
  }

  // On a phone, open only the first area with work left; the others fold under their headers.
  if (small.matches) {
    var bodies = Array.prototype.slice.call(document.querySelectorAll(".ce-area-body"));
    var first = bodies.filter(function (b) { return b.getAttribute("data-complete") !== "1"; })[0] || bodies[0];
    bodies.forEach(function (b) {
      if (b !== first) {
        b.classList.remove("show");
        var button = document.querySelector('[data-bs-target="#' + b.id + '"]');
        if (button) { button.setAttribute("aria-expanded", "false"); }
      }
    });
  }

  document.addEventListener("click", function (event) {
    var all = event.target.closest("[data-areas]");
    if (all) {
      var open = all.getAttribute("data-areas") === "show";
      document.querySelectorAll(".ce-area-body").forEach(function (b) { setArea(b, open); });
      return;
    }

    // A link to an indicator or an area: open its area, close the summary sheet, then scroll.
    var jump = event.target.closest('a[href^="#ind-"], a[href^="#area-"]');
    if (jump) {
      var target = document.getElementById(decodeURIComponent(jump.getAttribute("href").slice(1)));
      if (!target) { return; }
      event.preventDefault();
      var body = target.closest(".ce-area-body") || target.querySelector(".ce-area-body");
      if (body && !body.classList.contains("show")) { body.classList.add("show"); }
      var panel = document.getElementById("summary-panel");
      if (panel && window.bootstrap && panel.classList.contains("show")) {
        window.bootstrap.Offcanvas.getOrCreateInstance(panel).hide();
      }
      target.scrollIntoView({ behavior: "smooth", block: "start" });
      history.replaceState(null, "", jump.getAttribute("href"));
      return;
    }

    var cancel = event.target.closest("[data-evidence-cancel]");
    if (cancel) {
      var slot = cancel.closest(".ce-evidence-form-slot");
      if (slot) { slot.innerHTML = ""; }
    }
  });

  // Opening the page at #ind-1.3.3 (from a notification or a redirect): open that area.
  if (location.hash) {
    var el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var area = el && el.closest(".ce-area-body");
    if (area) { area.classList.add("show"); el.scrollIntoView(); }
  }

  // Saving state on the indicator being saved.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest && event.target.closest(".ce-score-form");
    if (form) { form.classList.add("ce-saving"); }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest(".ce-score-form");
    if (form) { form.classList.remove("ce-saving"); }
    if (!event.detail.successful && form) {
      var status = form.querySelector(".ce-row-status");
      if (status) {
        var note = document.createElement("span");
        note.className = "text-danger-emphasis";
        note.textContent = event.detail.xhr && event.detail.xhr.status === 503
          ? "系统繁忙，未能保存；您填写的内容仍在，请稍后再保存一次"
          : "保存失败：网络或服务器出错，请稍后再试";
        status.appendChild(note);
      }
    }
  });

  // Upload progress, for large files on slow connections.
  document.body.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest && event.target.closest(".ce-upload-form");
    var bar = form && form.querySelector(".ce-upload-progress");
    if (bar && event.detail.lengthComputable) {
      bar.hidden = false;
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  });
})();
