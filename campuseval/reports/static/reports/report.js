// The reports' 打印 button, and the charts redrawn at the paper's width while printing (they
// were drawn for the screen). Loaded as a file: the Content Security Policy forbids inline
// scripts. The charts themselves are drawn by js/dashboards.js.
(function () {
  "use strict";

  function redraw() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll(".chart-canvas[data-chart]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  }

  document.querySelectorAll("[data-report-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  window.addEventListener("beforeprint", redraw);
  window.addEventListener("afterprint", redraw);
})();
