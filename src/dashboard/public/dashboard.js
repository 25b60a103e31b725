// The live dashboard: frames from /dashboard/ws (one per second), kept for the last five
// minutes to draw the time series. No framework, no build step, no CDN.
import { COLORS, factorChart, lineChart } from './charts.js';

const $ = (id) => document.getElementById(id);
const HISTORY_MS = 5 * 60_000;
const frames = [];

const num = (v, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : Number(v).toFixed(digits));
function setFigure(id, value, digits = 2) {
  const node = $(id);
  node.textContent = num(value, digits);
  node.dataset.value = value === null || value === undefined ? '' : String(value);
}
function signClass(node, value) {
  node.classList.toggle('pos', value > 0);
  node.classList.toggle('neg', value < 0);
}
function cells(row, values) {
  for (const v of values) {
    const td = document.createElement('td');
    if (typeof v === 'object' && v !== null) {
      td.textContent = v.text;
      if (v.cls) td.className = v.cls;
      if (v.value !== undefined) td.dataset.value = String(v.value);
    } else td.textContent = String(v);
    row.appendChild(td);
  }
}
function fillTable(id, rows) {
  const body = $(id).querySelector('tbody');
  body.textContent = '';
  if (rows.length === 0) {
    const tr = body.insertRow();
    const td = tr.insertCell();
    td.colSpan = $(id).querySelectorAll('th').length;
    td.className = 'empty';
    td.textContent = 'none';
    return;
  }
  for (const r of rows) {
    const tr = body.insertRow();
    tr.dataset.key = r.key;
    cells(tr, r.values);
  }
}

function renderHeader(f) {
  $('mode').textContent = `${f.mode.toUpperCase()} on ${f.venue}`;
  $('trading').textContent = f.haltReason ? `${f.tradingState}: ${f.haltReason}` : f.tradingState;
  $('trading').dataset.state = f.tradingState;
  $('clock').textContent = `bot time ${f.time}`;
  $('version').textContent = `config ${f.configVersion}`;
}

function renderAccount(f) {
  setFigure('kpi-equity', f.account.equity);
  setFigure('kpi-pnl', f.account.pnlToday);
  signClass($('kpi-pnl'), f.account.pnlToday ?? 0);
  setFigure('kpi-alerts', f.alerts.length, 0);
  lineChart($('chart-equity'), { name: 'equity', height: 90, series: [{ name: 'equity', color: COLORS[0], points: frames.filter((x) => x.account.equity !== null).map((x) => [x.wallTime, x.account.equity]) }] });
  const list = $('alerts');
  list.textContent = '';
  if (f.alerts.length === 0) list.innerHTML = '<li class="empty">none</li>';
  for (const a of f.alerts) {
    const li = document.createElement('li');
    li.dataset.priority = a.priority;
    li.dataset.key = a.key;
    li.innerHTML = '<div class="title"></div><div class="message"></div><div class="meta"></div>';
    li.querySelector('.title').textContent = `[${a.priority}] ${a.title}`;
    li.querySelector('.message').textContent = a.message;
    li.querySelector('.meta').textContent = `x${a.count} since ${a.firstAt}, last ${a.lastAt}`;
    list.appendChild(li);
  }
  fillTable('positions', f.positions.map((p) => ({
    key: p.symbol,
    values: [p.symbol, p.side, p.size, p.avgPrice, p.stopLoss > 0 ? { text: String(p.stopLoss), value: p.stopLoss } : { text: 'NONE', cls: 'nostop', value: 0 }, p.takeProfit > 0 ? p.takeProfit : '-', { text: num(p.unrealisedPnl), cls: p.unrealisedPnl >= 0 ? 'pos' : 'neg', value: p.unrealisedPnl }],
  })));
}

function renderLatency(f) {
  const strategies = f.latency.map((l) => l.strategy);
  const series = [];
  strategies.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    for (const [q, dash] of [['p50', '2 3'], ['p95', ''], ['p99', '6 3']]) {
      series.push({ name: `${s} ${q}`, color, dash, points: frames.map((x) => [x.wallTime, x.latency.find((l) => l.strategy === s)?.[`${q}Ms`]]).filter((p) => typeof p[1] === 'number') });
    }
  });
  const legend = [
    ...strategies.map((s, i) => ({ name: s, color: COLORS[i % COLORS.length] })),
    { name: 'p50', dash: '2 3' },
    { name: 'p95' },
    { name: 'p99', dash: '6 3' },
  ];
  lineChart($('chart-latency'), { name: 'latency', series, threshold: f.latencyThresholdMs, legend });
  fillTable('latency', f.latency.map((l) => ({
    key: l.strategy,
    values: [l.strategy, l.samples, { text: num(l.p50Ms), value: l.p50Ms }, { text: num(l.p95Ms), value: l.p95Ms, cls: l.p95Ms > f.latencyThresholdMs ? 'over' : '' }, { text: num(l.p99Ms), value: l.p99Ms }],
  })));
}

function renderProcess(f) {
  lineChart($('chart-memory'), {
    name: 'memory',
    threshold: f.rssThresholdMb,
    series: [
      { name: 'RSS', color: COLORS[0], points: frames.map((x) => [x.wallTime, x.process.rssMb]) },
      { name: 'heap used', color: COLORS[1], points: frames.map((x) => [x.wallTime, x.process.heapUsedMb]) },
      { name: 'heap total', color: COLORS[2], dash: '4 3', points: frames.map((x) => [x.wallTime, x.process.heapTotalMb]) },
    ],
  });
  setFigure('v-rss', f.process.rssMb, 1);
  setFigure('v-heap', f.process.heapUsedMb, 1);
  $('v-heap-total').textContent = num(f.process.heapTotalMb, 1);
  setFigure('v-lag', f.process.eventLoopLagMs, 1);
  lineChart($('chart-cache'), {
    name: 'cache',
    series: [
      { name: 'hit/s', color: COLORS[2], points: frames.map((x) => [x.wallTime, x.cache.hitPerSec]) },
      { name: 'miss/s', color: COLORS[1], points: frames.map((x) => [x.wallTime, x.cache.missPerSec]) },
      { name: 'stale/s', color: COLORS[3], points: frames.map((x) => [x.wallTime, x.cache.stalePerSec]) },
    ],
  });
  setFigure('v-hit-ratio', f.cache.hitRatio, 3);
  $('v-cache-totals').textContent = Object.entries(f.cache.totals).map(([k, v]) => `${k} ${v}`).join(', ');
}

function renderFactors(f) {
  const box = $('factors');
  box.textContent = '';
  if (f.factors.length === 0) box.innerHTML = '<p class="empty">no entry signal yet</p>';
  for (const s of f.factors) factorChart(box, s.strategy, s.factors, s.signals);
}

function renderPresets(f) {
  fillTable('presets', f.presets.map((p) => ({
    key: p.preset,
    values: [p.preset, p.strategyType, `${p.running}/${p.actors}`, { text: String(p.signals), value: p.signals }, { text: String(p.trades), value: p.trades }, { text: p.winRatePct === null ? '-' : `${p.winRatePct.toFixed(1)}%`, value: p.winRatePct ?? '' }, { text: num(p.netPnl), value: p.netPnl, cls: p.netPnl >= 0 ? 'pos' : 'neg' }],
  })));
}

// The portfolio book as GET /portfolio shows it: budgets, used and free per preset, the
// correlation matrix (cells at or above the threshold marked), the last rebalance.
function renderPortfolio(f) {
  const p = f.portfolio;
  const on = p !== null && p.enabled;
  $('v-portfolio-mode').textContent = p === null ? '-' : on ? p.mode : `off (${p.note})`;
  const last = on ? p.lastRebalance : null;
  $('v-rebalance-at').textContent = last ? last.at : '-';
  $('v-rebalance-mode').textContent = last ? last.mode : '-';
  $('v-rebalance-reason').textContent = last ? last.reason : '-';
  $('v-rebalance-resized').textContent = last && last.resized > 0 ? `, ${last.resized} position(s) reduced` : '';
  setFigure('v-rebalances', on ? p.rebalances : null, 0);
  $('v-portfolio-checked').textContent = on && p.checkedAt ? p.checkedAt : '-';
  fillTable('portfolio', (on ? p.presets : []).map((r) => ({
    key: r.presetId,
    values: [
      r.presetId,
      { text: r.weight === null ? '-' : `${(r.weight * 100).toFixed(1)}%`, value: r.weight ?? '' },
      { text: num(r.budget), value: r.budget ?? '' },
      { text: num(r.used), value: r.used },
      { text: num(r.free), value: r.free ?? '' },
    ],
  })));
  const table = $('correlations');
  const c = on ? p.correlations : null;
  table.dataset.threshold = c ? String(c.threshold) : '';
  const head = table.querySelector('thead tr');
  head.textContent = '';
  const corner = document.createElement('th');
  corner.textContent = c ? `correlation (>= ${c.threshold})` : 'correlation';
  head.appendChild(corner);
  for (const s of c ? c.symbols : []) {
    const th = document.createElement('th');
    th.textContent = s;
    head.appendChild(th);
  }
  fillTable('correlations', (c ? c.symbols : []).map((s, i) => ({
    key: s,
    values: [s, ...c.matrix[i].map((v, j) => ({ text: num(v, 2), value: v ?? '', cls: i !== j && v !== null && v >= c.threshold ? 'correlated' : '' }))],
  })));
}

function render(f) {
  frames.push(f);
  while (frames.length > 0 && frames[0].wallTime < f.wallTime - HISTORY_MS) frames.shift();
  renderHeader(f);
  renderAccount(f);
  renderLatency(f);
  renderProcess(f);
  renderFactors(f);
  renderPresets(f);
  renderPortfolio(f);
  document.body.dataset.frames = String(frames.length);
  document.body.dataset.wallTime = String(f.wallTime);
}

function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/dashboard/ws`);
  ws.addEventListener('open', () => { $('conn').dataset.status = 'live'; $('conn').textContent = 'live'; });
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    // window.__pause (tests, or a person in the console) holds the page on its current frame.
    if (message.type === 'frame' && !window.__pause) render(message);
  });
  ws.addEventListener('close', () => {
    $('conn').dataset.status = 'closed';
    $('conn').textContent = 'disconnected, retrying';
    setTimeout(connect, 1000);
  });
}

connect();
