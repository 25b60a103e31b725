// Draws one statechart (from /machines/:name/graph) as SVG: states are the boxes the
// server laid out, transitions are labelled arrows. Parallel transitions between the same
// two states share one arrow with one label line each, so the chart stays readable.
const SVG = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

function center(box) {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Point where the ray from the box's centre towards (tx, ty) leaves the box. */
function boundary(box, tx, ty) {
  const c = center(box);
  const dx = tx - c.x;
  const dy = ty - c.y;
  if (dx === 0 && dy === 0) return c;
  const sx = dx === 0 ? Infinity : box.width / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : box.height / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: c.x + dx * s, y: c.y + dy * s };
}

function edgeText(edge) {
  return edge.guard ? `${edge.label} [${edge.guard}]` : edge.label;
}

function addLabel(group, x, y, lines, anchor = 'middle') {
  const text = el('text', { x, y, 'text-anchor': anchor }, group);
  lines.forEach((line, i) => {
    const span = el('tspan', { x, dy: i === 0 ? 0 : 13 }, text);
    span.textContent = line;
  });
  return text;
}

function groupEdges(graph) {
  const groups = new Map();
  for (const edge of graph.edges) {
    if (edge.source === graph.root) continue;
    const key = `${edge.source}|${edge.target}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(edge);
  }
  return groups;
}

function edgeClass(edges) {
  if (edges.every((e) => e.eventless)) return 'edge eventless';
  if (edges.every((e) => e.delayed)) return 'edge delayed';
  return 'edge';
}

function drawSelfLoop(layer, box, edges) {
  const g = el('g', { class: edgeClass(edges), 'data-source': box.id, 'data-target': box.id }, layer);
  const x1 = box.x + box.width * 0.3;
  const x2 = box.x + box.width * 0.7;
  el('path', { d: `M ${x1} ${box.y} C ${x1 - 30} ${box.y - 55}, ${x2 + 30} ${box.y - 55}, ${x2} ${box.y}`, 'marker-end': 'url(#arrow)' }, g);
  const lines = edges.map(edgeText);
  addLabel(g, box.x + box.width / 2, box.y - 50 - 13 * (lines.length - 1), lines);
}

function drawEdge(layer, from, to, edges, reverseExists) {
  const g = el('g', { class: edgeClass(edges), 'data-source': from.id, 'data-target': to.id }, layer);
  const a = center(from);
  const b = center(to);
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy) || 1;
  // Back edges (towards an earlier column) bend more, so they do not run over forward ones.
  const back = to.column < from.column;
  const bend = back ? 70 : reverseExists || from.column === to.column ? 35 : 18;
  const ctrl = { x: (a.x + b.x) / 2 + (-dy / length) * bend, y: (a.y + b.y) / 2 + (dx / length) * bend };
  const p0 = boundary(from, ctrl.x, ctrl.y);
  const p2 = boundary(to, ctrl.x, ctrl.y);
  el('path', { d: `M ${p0.x} ${p0.y} Q ${ctrl.x} ${ctrl.y} ${p2.x} ${p2.y}`, 'marker-end': 'url(#arrow)' }, g);
  const mid = { x: 0.25 * p0.x + 0.5 * ctrl.x + 0.25 * p2.x, y: 0.25 * p0.y + 0.5 * ctrl.y + 0.25 * p2.y };
  const lines = edges.map(edgeText);
  addLabel(g, mid.x, mid.y - 6 * (lines.length - 1), lines);
}

/**
 * Renders `graph` into `container`; returns setters for the highlighted state (by key) and
 * the number of actors per state shown under each box.
 */
export function renderChart(container, graph) {
  container.textContent = '';
  const svg = el('svg', { class: 'chart', 'data-machine': graph.name, role: 'img', 'aria-label': `statechart ${graph.name}` }, container);
  const defs = el('defs', {}, svg);
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
  el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#6b7380' }, marker);

  const boxes = new Map();
  for (const node of graph.nodes) {
    const box = graph.layout.boxes[node.id];
    if (box) boxes.set(node.id, { ...box, id: node.id, node });
  }
  const edgeLayer = el('g', { class: 'edges' }, svg);
  const nodeLayer = el('g', { class: 'states' }, svg);

  const groups = groupEdges(graph);
  for (const [key, edges] of groups) {
    const [source, target] = key.split('|');
    const from = boxes.get(source);
    const to = boxes.get(target);
    if (!from || !to) continue;
    if (source === target) drawSelfLoop(edgeLayer, from, edges);
    else drawEdge(edgeLayer, from, to, edges, groups.has(`${target}|${source}`));
  }

  const stateGroups = new Map();
  for (const box of boxes.values()) {
    const final = box.node.type === 'final';
    const g = el('g', { class: `state${final ? ' final' : ''}`, 'data-state': box.node.key, 'data-id': box.id }, nodeLayer);
    if (final) el('rect', { class: 'outer', x: box.x - 4, y: box.y - 4, width: box.width + 8, height: box.height + 8, rx: 10 }, g);
    el('rect', { class: 'box', x: box.x, y: box.y, width: box.width, height: box.height, rx: 8 }, g);
    const label = el('text', { x: box.x + box.width / 2, y: box.y + box.height / 2 }, g);
    label.textContent = box.node.key;
    const count = el('text', { class: 'count', x: box.x + box.width / 2, y: box.y + box.height + 12 }, g);
    if (box.node.initial && box.node.parent === graph.root) {
      el('circle', { cx: box.x - 34, cy: box.y + box.height / 2, r: 5, fill: '#1d2430' }, nodeLayer);
      el('path', { d: `M ${box.x - 29} ${box.y + box.height / 2} L ${box.x - 2} ${box.y + box.height / 2}`, stroke: '#1d2430', 'marker-end': 'url(#arrow)' }, nodeLayer);
    }
    stateGroups.set(box.node.key, { g, count });
  }

  const rootEdges = graph.edges.filter((e) => e.source === graph.root);
  if (rootEdges.length > 0) {
    const note = el('text', { class: 'note', x: graph.layout.boxes ? 20 : 0, y: graph.layout.height - 10 }, svg);
    note.textContent = `in every state: ${rootEdges.map(edgeText).join(', ')}`;
  }

  // Fit the view to what was drawn: loop labels can reach above the laid-out area.
  const bbox = svg.getBBox();
  const pad = 16;
  svg.setAttribute('viewBox', `${bbox.x - pad} ${bbox.y - pad} ${bbox.width + 2 * pad} ${bbox.height + 2 * pad}`);

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
