// Draws the page's charts with uPlot (bundled beside this file) from the JSON the page embeds
// (report/section.ts ChartSpec). Every chart is redrawn to its box's width when the window resizes.
// When all are drawn, body[data-charts] says how many: the browser test waits for it.
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('chart-data').textContent);
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4d7c0f', '#be185d', '#475569', '#a16207'];
  var plots = [];

  function options(spec, width) {
    var bars = spec.kind === 'bars';
    var series = [{ label: bars ? 'target' : 'night' }].concat(spec.series.map(function (s, i) {
      var colour = palette[i % palette.length];
      return bars
        ? { label: s.label, stroke: colour, fill: colour + '99', paths: uPlot.paths.bars({ size: [0.6, 60] }), points: { show: false } }
        : { label: s.label, stroke: colour, width: 1.5, spanGaps: true };
    }));
    // a target's name under its bar, slanted; on a phone the axis takes less of the height
    var narrow = width < 600;
    var axes = [
      bars ? { values: function (u, ticks) { return ticks.map(function (t) { return spec.labels[t] || ''; }); }, incrs: [1], space: 8, rotate: -35, size: narrow ? 80 : 120, gap: 4, font: narrow ? '10px system-ui' : '12px system-ui' } : {},
      { label: spec.yLabel, size: narrow ? 64 : 70, gap: 4 },
    ];
    return {
      width: width, height: Math.max(bars ? 260 : 200, Math.min(340, Math.round(width * 0.45))),
      scales: { x: bars ? { time: false, range: [-0.5, spec.x.length - 0.5] } : { time: true } },
      series: series, axes: axes, legend: { live: !bars },
      // room on the right for the last slanted label
      padding: [12, bars ? 48 : 16, 0, 0],
    };
  }

  specs.forEach(function (spec) {
    var box = document.getElementById(spec.id);
    if (!box) throw new Error('no box for chart ' + spec.id);
    var data = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
    plots.push({ box: box, spec: spec, plot: new uPlot(options(spec, box.clientWidth || 600), data, box) });
  });

  var pending = null;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      plots.forEach(function (p) { p.plot.setSize({ width: p.box.clientWidth, height: options(p.spec, p.box.clientWidth).height }); });
    }, 100);
  });
  document.body.dataset.charts = String(plots.length);
  window.negcheckChartsDrawnAt = performance.now();
})();
