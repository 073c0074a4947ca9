// Draws the dashboard's charts from window.OPS_DATA (data.js) with uPlot (assets/uPlot.iife.min.js).
// Both files ship with the site: no request leaves it. Every chart records what it drew in
// window.opsCharts, which the browser tests read.
/* global window, document, uPlot */
(function () {
  'use strict';
  var data = window.OPS_DATA;
  var charts = (window.opsCharts = {});
  if (!data || typeof uPlot !== 'function') return;
  var palette = ['#1f5fa8', '#b3401a', '#2a7a2a', '#6b3fa0', '#8a6d00', '#00707a', '#a1245b'];
  var daySeconds = data.days.map(function (d) {
    return Date.parse(d + 'T00:00:00Z') / 1000;
  });
  var timeSeconds = function (list) {
    return list.map(function (t) {
      return Date.parse(t) / 1000;
    });
  };

  function draw(id, x, series, options) {
    var el = document.getElementById(id);
    if (!el) return;
    var width = Math.max(320, Math.min(el.clientWidth || 900, 1100));
    var points = 0;
    series.forEach(function (s) {
      s.values.forEach(function (v) {
        if (v !== null && v !== undefined) points++;
      });
    });
    var opts = {
      width: width,
      height: 240,
      tzDate: function (ts) {
        return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');
      },
      scales: { x: { time: true }, y: options && options.y ? options.y : {} },
      axes: [{ stroke: '#333' }, { stroke: '#333', label: options && options.unit ? options.unit : '', size: 60 }],
      series: [{ label: 'UTC' }].concat(
        series.map(function (s, i) {
          var spec = {
            label: s.label,
            stroke: s.color || palette[i % palette.length],
            width: s.width || 2,
            spanGaps: !s.bars,
          };
          if (s.dash) spec.dash = s.dash;
          if (s.bars) {
            spec.paths = uPlot.paths.bars({ size: [0.8, 40] });
            spec.fill = spec.stroke;
            spec.points = { show: false };
          }
          if (s.points) spec.points = { show: true, size: 6 };
          return spec;
        }),
      ),
    };
    var chart = new uPlot(
      opts,
      [x].concat(
        series.map(function (s) {
          return s.values;
        }),
      ),
      el,
    );
    charts[id] = { series: series.length, points: points, chart: chart };
  }

  var constant = function (value) {
    return data.days.map(function () {
      return value;
    });
  };

  if (data.checks.length) {
    draw(
      'chart-uptime',
      daySeconds,
      data.checks.map(function (c) {
        return { label: c.name, values: c.daily };
      }),
      {
        unit: '% up',
        y: {
          range: [
            Math.min.apply(
              null,
              [99].concat(
                data.checks.flatMap(function (c) {
                  return c.daily.filter(function (v) {
                    return v !== null;
                  });
                }),
              ),
            ),
            100,
          ],
        },
      },
    );
  }
  draw(
    'chart-latency',
    daySeconds,
    [
      { label: 'p95 (daily p95 of runs)', values: data.latency.p95 },
      { label: 'worst run', values: data.latency.max, width: 1 },
      {
        label: 'alert ' + data.latencyAlertMs + ' ms',
        values: constant(data.latencyAlertMs),
        color: '#b00020',
        dash: [8, 6],
      },
    ],
    { unit: 'ms' },
  );
  // Deploys per ISO week, stacked: verified at the bottom, then rolled back, then failed. uPlot
  // draws series in order, so each later series is drawn over the one before it: the totals go
  // first and the bottom band last.
  var weeks = [],
    verified = [],
    rolledBack = [],
    failed = [];
  data.days.forEach(function (day, i) {
    var start = Date.parse(day + 'T00:00:00Z') / 1000;
    var monday = start - ((new Date(start * 1000).getUTCDay() + 6) % 7) * 86400;
    if (weeks[weeks.length - 1] !== monday) {
      weeks.push(monday);
      verified.push(0);
      rolledBack.push(0);
      failed.push(0);
    }
    var w = weeks.length - 1;
    verified[w] += data.deploys.verified[i];
    rolledBack[w] += data.deploys.rolledBack[i];
    failed[w] += data.deploys.failed[i];
  });
  var stack2 = verified.map(function (v, w) {
    return v + rolledBack[w];
  });
  var stack3 = stack2.map(function (v, w) {
    return v + failed[w];
  });
  draw(
    'chart-deploys',
    weeks,
    [
      { label: 'failed', values: stack3, bars: true, color: '#6b3fa0' },
      { label: 'rolled back', values: stack2, bars: true, color: '#b3401a' },
      { label: 'verified', values: verified, bars: true, color: '#2a7a2a' },
    ],
    { unit: 'deploys / week' },
  );
  var cost = [];
  data.cost.providers.forEach(function (p, i) {
    cost.push({ label: p, values: data.cost.daily[p], color: palette[i % palette.length] });
    if (data.cost.dailyLimit[p] !== undefined)
      cost.push({
        label: p + ' daily budget',
        values: constant(data.cost.dailyLimit[p]),
        color: palette[i % palette.length],
        dash: [6, 6],
        width: 1,
      });
  });
  if (cost.length) draw('chart-cost', daySeconds, cost, { unit: 'USD / day' });
  if (data.revenue)
    draw(
      'chart-revenue',
      daySeconds,
      [
        {
          label: 'revenue (' + data.revenue.currency.toUpperCase() + ')',
          values: data.revenue.daily,
          bars: true,
          color: '#2a7a2a',
        },
      ],
      { unit: data.revenue.currency.toUpperCase() + ' / day' },
    );
  if (data.security.t.length) {
    draw(
      'chart-security',
      timeSeconds(data.security.t),
      [
        { label: 'high', values: data.security.high, color: '#b00020', points: true },
        { label: 'medium', values: data.security.medium, color: '#8a6d00', points: true },
        { label: 'low', values: data.security.low, color: '#1f5fa8', points: true },
      ],
      { unit: 'findings' },
    );
  }
  if (data.loadTests.t.length) {
    draw(
      'chart-load',
      timeSeconds(data.loadTests.t),
      [
        { label: 'p95', values: data.loadTests.p95, points: true },
        { label: 'p99', values: data.loadTests.p99, points: true },
        { label: 'requests/s', values: data.loadTests.rps, points: true, color: '#2a7a2a' },
      ],
      { unit: 'ms, req/s' },
    );
  }
  // Charts are drawn at the width of their box; follow the window when it changes.
  var pending;
  window.addEventListener('resize', function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      Object.keys(charts).forEach(function (id) {
        var el = document.getElementById(id);
        if (el) charts[id].chart.setSize({ width: Math.max(320, Math.min(el.clientWidth, 1100)), height: 240 });
      });
    }, 150);
  });
})();
