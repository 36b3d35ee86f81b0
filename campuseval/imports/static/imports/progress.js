// Progress bars carry their value in data-progress: the Content Security Policy forbids
// style attributes in the HTML, so the width is set here, on every piece htmx swaps in.
(function () {
  "use strict";
  function paint(root) {
    var bars = root.querySelectorAll ? root.querySelectorAll(".progress-bar[data-progress]") : [];
    for (var i = 0; i < bars.length; i++) {
      bars[i].style.width = bars[i].getAttribute("data-progress") + "%";
    }
  }
  if (window.htmx) {
    window.htmx.onLoad(paint);
  } else {
    document.addEventListener("DOMContentLoaded", function () { paint(document); });
  }
})();
