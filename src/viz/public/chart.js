// Draws one statechart (from /machines/:name/graph) as SVG exactly as the server laid it
// out with ELK: states are boxes, each route is an orthogonal polyline, each label sits in
// the box ELK reserved for it (parallel transitions between two states share one route,
// one label line each), so no label overprints another.
const SVG = 'http://www.w3.org/2000/svg';
const LINE = 14; // label line height, as the server's layout assumes (src/viz/layout.ts)

function el(name, attrs = {}, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

/** A polyline with slightly rounded corners. */
function pathOf(points) {
  if (points.length < 3) return `M ${points.map((p) => `${p.x} ${p.y}`).join(' L ')}`;
  let d = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1], points[i], points[i + 1]];
    const r = Math.min(6, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const into = { x: b.x - (Math.sign(b.x - a.x) * r), y: b.y - (Math.sign(b.y - a.y) * r) };
    const out = { x: b.x + (Math.sign(c.x - b.x) * r), y: b.y + (Math.sign(c.y - b.y) * r) };
    d += ` L ${into.x} ${into.y} Q ${b.x} ${b.y} ${out.x} ${out.y}`;
  }
  const last = points[points.length - 1];
  return `${d} L ${last.x} ${last.y}`;
}

function drawLabel(parent, box, cls) {
  const g = el('g', { class: cls }, parent);
  el('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 3 }, g);
  const text = el('text', { x: box.x + box.width / 2, y: box.y + 3 + LINE - 3, 'text-anchor': 'middle' }, g);
  box.lines.forEach((line, i) => {
    const span = el('tspan', { x: box.x + box.width / 2, dy: i === 0 ? 0 : LINE }, text);
    span.textContent = line;
  });
  return g;
}

/**
 * Renders `graph` into `container`; returns setters for the highlighted state (by key) and
 * the number of actors per state shown in each box.
 */
export function renderChart(container, graph) {
  container.textContent = '';
  const { layout } = graph;
  const svg = el('svg', { class: 'chart', 'data-machine': graph.name, role: 'img', 'aria-label': `statechart ${graph.name}`, viewBox: `0 0 ${layout.width} ${layout.height}` }, container);
  svg.style.maxWidth = `${Math.ceil(layout.width)}px`;
  const defs = el('defs', {}, svg);
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
  el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#6b7380' }, marker);

  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const edgeLayer = el('g', { class: 'edges' }, svg);
  const labelLayer = el('g', { class: 'labels' }, svg);
  const nodeLayer = el('g', { class: 'states' }, svg);

  for (const route of layout.routes) {
    const cls = route.kind === 'eventless' ? 'edge eventless' : route.kind === 'delayed' ? 'edge delayed' : 'edge';
    const g = el('g', { class: cls, 'data-source': route.source, 'data-target': route.target }, edgeLayer);
    el('path', { d: pathOf(route.points), 'marker-end': 'url(#arrow)' }, g);
    drawLabel(labelLayer, route.label, `edge-label ${cls.replace('edge', '').trim()}`).setAttribute('data-route', `${route.source}|${route.target}`);
  }

  const stateGroups = new Map();
  for (const [id, box] of Object.entries(layout.boxes)) {
    const node = nodes.get(id);
    if (!node) continue;
    const final = node.type === 'final';
    const g = el('g', { class: `state${final ? ' final' : ''}`, 'data-state': node.key, 'data-id': id }, nodeLayer);
    if (final) el('rect', { class: 'outer', x: box.x - 4, y: box.y - 4, width: box.width + 8, height: box.height + 8, rx: 10 }, g);
    el('rect', { class: 'box', x: box.x, y: box.y, width: box.width, height: box.height, rx: 8 }, g);
    const label = el('text', { x: box.x + box.width / 2, y: box.y + 20 }, g);
    label.textContent = node.key;
    const count = el('text', { class: 'count', x: box.x + box.width / 2, y: box.y + box.height - 11 }, g);
    if (node.initial && node.parent === graph.root) {
      const cy = box.y + box.height / 2;
      el('circle', { cx: box.x - 34, cy, r: 5, fill: '#1d2430' }, nodeLayer);
      el('path', { d: `M ${box.x - 29} ${cy} L ${box.x - 2} ${cy}`, stroke: '#1d2430', 'marker-end': 'url(#arrow)' }, nodeLayer);
    }
    stateGroups.set(node.key, { g, count });
  }
  if (layout.note) drawLabel(labelLayer, layout.note, 'note');

  let current = null;
  return {
    setCurrent(stateKey) {
      if (stateKey === current) return;
      if (current !== null) stateGroups.get(current)?.g.classList.remove('current');
      current = stateKey;
      if (current !== null) stateGroups.get(current)?.g.classList.add('current');
      svg.setAttribute('data-current', current ?? '');
    },
    setCounts(counts) {
      for (const [key, { count }] of stateGroups) {
        const n = counts.get(key) ?? 0;
        count.textContent = n > 0 ? `${n} actor${n === 1 ? '' : 's'}` : '';
      }
    },
  };
}
