// Small SVG charts for the dashboard (no library: the page works offline). A line chart
// draws each series as one path with `data-series` and `data-last` (the latest value), so
// tests and people read the same figure.
const SVG = 'http://www.w3.org/2000/svg';
export const COLORS = ['#4f7cff', '#f0a000', '#2e7d32', '#c62828', '#7a5cff', '#00838f', '#8d6e63', '#d81b60'];

export function el(name, attrs = {}, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/**
 * series: [{ name, color, dash?, points: [[t, v], ...] }]; t in wall ms. threshold: a
 * dashed horizontal line (e.g. the alert threshold), included in the y range.
 */
export function lineChart(container, { name, series, threshold = null, height = 180, minMax = 0, legend = null }) {
  const width = Math.max(280, container.clientWidth || 600);
  container.textContent = '';
  const svg = el('svg', { class: 'line-chart', 'data-chart': name, viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none' }, container);
  const pad = { l: 40, r: 8, t: 8, b: 18 };
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    const t = el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'axis' }, svg);
    t.textContent = 'waiting for data';
    return svg;
  }
  if (threshold !== null) legend = [...(legend ?? series.map((s) => ({ name: s.name, color: s.color, dash: s.dash }))), { name: `alert threshold ${threshold}`, color: '#c62828', dash: '4 3' }];
  const t0 = Math.min(...all.map((p) => p[0]));
  const t1 = Math.max(t0 + 1, ...all.map((p) => p[0]));
  let v1 = Math.max(minMax, ...all.map((p) => p[1]), threshold ?? -Infinity);
  v1 = v1 <= 0 ? 1 : v1 * 1.1;
  const x = (t) => pad.l + ((t - t0) / (t1 - t0)) * (width - pad.l - pad.r);
  const y = (v) => pad.t + (1 - v / v1) * (height - pad.t - pad.b);
  const axis = el('g', { class: 'axis' }, svg);
  for (const f of [0, 0.5, 1]) {
    el('line', { x1: pad.l, x2: width - pad.r, y1: y(v1 * f / 1.1), y2: y(v1 * f / 1.1) }, axis);
    const label = el('text', { x: pad.l - 4, y: y(v1 * f / 1.1) + 3, 'text-anchor': 'end' }, axis);
    label.textContent = fmt((v1 * f) / 1.1);
  }
  const span = el('text', { x: width - pad.r, y: height - 4, 'text-anchor': 'end' }, axis);
  span.textContent = `last ${Math.round((t1 - t0) / 1000)} s`;
  if (threshold !== null) el('path', { class: 'threshold', d: `M ${pad.l} ${y(threshold)} L ${width - pad.r} ${y(threshold)}` }, svg);
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'} ${x(p[0]).toFixed(1)} ${y(p[1]).toFixed(1)}`).join(' ');
    el('path', { class: 'series', d, stroke: s.color, ...(s.dash ? { 'stroke-dasharray': s.dash } : {}), 'data-series': s.name, 'data-last': s.points[s.points.length - 1][1], 'data-points': s.points.length }, svg);
  }
  renderLegend(container, legend ?? series.map((s) => ({ name: s.name, color: s.color, dash: s.dash })));
  return svg;
}

/** An HTML legend under a chart: a line sample and a name per entry. */
function renderLegend(container, entries) {
  const box = document.createElement('div');
  box.className = 'legend';
  for (const e of entries) {
    const item = document.createElement('span');
    const sample = el('svg', { width: 22, height: 8 }, item);
    el('line', { x1: 0, x2: 22, y1: 4, y2: 4, stroke: e.color ?? '#39404c', 'stroke-width': 2, ...(e.dash ? { 'stroke-dasharray': e.dash } : {}) }, sample);
    item.append(` ${e.name}`);
    box.appendChild(item);
  }
  container.appendChild(box);
}

/** Ten bins over [0, 1] per factor, side by side, with the mean marked. */
export function factorChart(container, strategy, factors, signals) {
  const group = document.createElement('div');
  group.className = 'factor-group';
  const title = document.createElement('h3');
  title.textContent = `${strategy} (${signals} entry signals)`;
  group.appendChild(title);
  const width = 420;
  const height = 110;
  const svg = el('svg', { class: 'factors', 'data-strategy': strategy, viewBox: `0 0 ${width} ${height}` }, group);
  const cell = width / factors.length;
  factors.forEach((f, i) => {
    const x0 = i * cell + 6;
    const w = cell - 12;
    const max = Math.max(1, ...f.bins);
    f.bins.forEach((count, b) => {
      const h = (count / max) * (height - 30);
      el('rect', { class: 'bar', x: x0 + (b * w) / 10 + 1, y: height - 18 - h, width: w / 10 - 2, height: h, 'data-factor': f.name, 'data-bin': b, 'data-count': count }, svg);
    });
    if (f.mean !== null) el('line', { x1: x0 + f.mean * w, x2: x0 + f.mean * w, y1: 4, y2: height - 18, stroke: '#c62828', 'stroke-dasharray': '3 2' }, svg);
    const label = el('text', { class: 'factor-name', x: x0 + w / 2, y: height - 4, 'text-anchor': 'middle' }, svg);
    label.textContent = `${f.name}${f.mean === null ? '' : ` (mean ${f.mean.toFixed(2)})`}`;
  });
  container.appendChild(group);
}
