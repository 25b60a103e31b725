/*
 * The backtest report's charts (bybot). Reads the data the report embedded in the JSON
 * block #report-data and draws it with TradingView's
 * Lightweight Charts (inlined before this script). Times are UTC seconds and the charts
 * show them in UTC. Sets data-drawn and data-points on each chart container and
 * body[data-charts] = "ready" (or "error") when done, for the end-to-end test.
 */
(function () {
  'use strict';
  var LC = window.LightweightCharts;
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var charts = [];

  function options() {
    return {
      autoSize: true,
      layout: { background: { color: '#ffffff' }, textColor: '#334155', fontSize: 11 },
      // A fixed locale: the report's numbers are en-US everywhere, and some browsers report a
      // language tag Intl rejects (headless Chromium under LANG=C: "en-US@posix").
      localization: { locale: 'en-US' },
      grid: { vertLines: { color: '#f1f5f9' }, horzLines: { color: '#f1f5f9' } },
      rightPriceScale: { borderColor: '#cbd5e1' },
      // minBarSpacing below the default 0.5 px, so fitContent shows all of a long run (up to 5,000 points).
      timeScale: { borderColor: '#cbd5e1', timeVisible: true, secondsVisible: false, minBarSpacing: 0.05 },
    };
  }

  /** The library needs strictly increasing times: keep the last point of each second. */
  function increasing(points) {
    var out = [];
    for (var i = 0; i < points.length; i++) {
      if (out.length > 0 && out[out.length - 1].time >= points[i].time) out.pop();
      out.push(points[i]);
    }
    return out;
  }

  function draw(id, build) {
    var el = document.getElementById(id);
    var chart = LC.createChart(el, options());
    var points = build(chart);
    chart.timeScale().fitContent();
    el.setAttribute('data-points', String(points));
    el.setAttribute('data-drawn', 'true');
    charts.push(chart);
    return chart;
  }

  /** Scrolling or zooming one of the two account charts moves the other. */
  function link(a, b) {
    var busy = false;
    function follow(from, to) {
      from.timeScale().subscribeVisibleLogicalRangeChange(function (range) {
        if (busy || range === null) return;
        busy = true;
        to.timeScale().setVisibleLogicalRange(range);
        busy = false;
      });
    }
    follow(a, b);
    follow(b, a);
  }

  try {
    var equity = increasing(data.equity.map(function (p) { return { time: p[0], value: p[1], dd: p[2] }; }));
    var equityChart = draw('chart-equity', function (chart) {
      var s = chart.addSeries(LC.LineSeries, { color: '#2563eb', lineWidth: 2, priceLineVisible: false });
      s.setData(equity.map(function (p) { return { time: p.time, value: p.value }; }));
      return equity.length;
    });
    var drawdownChart = draw('chart-drawdown', function (chart) {
      var s = chart.addSeries(LC.BaselineSeries, {
        baseValue: { type: 'price', price: 0 },
        topLineColor: '#94a3b8',
        bottomLineColor: '#dc2626',
        bottomFillColor1: 'rgba(220, 38, 38, 0.35)',
        bottomFillColor2: 'rgba(220, 38, 38, 0.05)',
        lineWidth: 1,
        priceLineVisible: false,
        priceFormat: { type: 'custom', formatter: function (v) { return v.toFixed(2) + ' %'; } },
      });
      s.setData(equity.map(function (p) { return { time: p.time, value: p.dd }; }));
      return equity.length;
    });
    link(equityChart, drawdownChart);

    data.prices.forEach(function (p, i) {
      draw('chart-price-' + i, function (chart) {
        var s = chart.addSeries(LC.CandlestickSeries, {
          upColor: '#16a34a', downColor: '#dc2626', borderVisible: false, wickUpColor: '#16a34a', wickDownColor: '#dc2626',
        });
        s.setData(increasing(p.bars.map(function (b) { return { time: b[0], open: b[1], high: b[2], low: b[3], close: b[4] }; })));
        LC.createSeriesMarkers(s, p.markers.map(function (m) {
          return { time: m.time, position: m.position, shape: m.shape, color: m.color, size: 0.8 };
        }));
        document.getElementById('chart-price-' + i).setAttribute('data-markers', String(p.markers.length));
        return p.bars.length;
      });
    });
    document.body.setAttribute('data-charts', 'ready');
  } catch (error) {
    document.body.setAttribute('data-charts', 'error');
    var box = document.getElementById('report-error');
    box.textContent = 'The charts could not be drawn: ' + (error && error.message ? error.message : String(error));
    box.hidden = false;
    throw error;
  }
})();
