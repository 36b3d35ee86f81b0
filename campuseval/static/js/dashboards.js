// Draws the dashboards' charts from the JSON beside each one (no inline script: CSP), links a
// click on a bar, slice or tile to the page behind it, and redraws on resize (phones rotate).
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  var charts = [];
  document.querySelectorAll(".chart-canvas[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source) return;
    var option = JSON.parse(source.textContent);
    if (el.dataset.geo) {
      var geo = document.getElementById(el.dataset.geo);
      if (geo) echarts.registerMap(el.dataset.map, JSON.parse(geo.textContent));
    }
    el.style.height = (el.dataset.height || 320) + "px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    option.animation = false;
    chart.setOption(option);
    chart.on("click", function (params) {
      if (params.data && params.data.link) window.location.href = params.data.link;
    });
    el.dataset.drawn = "1";
    charts.push(chart);
  });
  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
  });
})();
