import { breakerText } from './detail.js';

// The actor tree (system -> symbol supervisors -> strategy actors), updated in place:
// one DOM element per actor, keyed by id, and a batch only touches the rows it carries.
// Filtering toggles `hidden`, so even 2,000 rows never get rebuilt.

function div(cls, parent, text) {
  const node = document.createElement('div');
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function span(cls, parent) {
  const node = document.createElement('span');
  node.className = cls;
  parent.appendChild(node);
  return node;
}

export function hasProblem(row) {
  return row.state === 'broken' || row.status === 'disabled' || row.breaker.consecutiveFailures > 0 || row.breaker.status !== 'closed';
}

export function createTree(container, { onSelect, onChange }) {
  const rows = new Map(); // id -> row data
  const views = new Map(); // id -> { el, badge, meta, err }
  const groups = new Map(); // symbol -> { el, head, sup, info, list }
  const stateCounts = new Map();
  let filter = { text: '', symbol: '', strategy: '', state: '', status: '', problems: false };
  let selected = null;
  let tree = null;

  const matches = (row) =>
    (!filter.text || row.id.toLowerCase().includes(filter.text)) &&
    (!filter.symbol || row.symbol === filter.symbol) &&
    (!filter.strategy || row.strategy === filter.strategy) &&
    (!filter.state || row.state === filter.state) &&
    (!filter.status || row.status === filter.status) &&
    (!filter.problems || hasProblem(row));

  function groupOf(symbol) {
    let group = groups.get(symbol);
    if (group) return group;
    const el = div('sym', container);
    el.dataset.symbol = symbol;
    const head = div('sym-head', el);
    span('name', head).textContent = symbol;
    const sup = span('sup', head);
    const info = span('sup', head);
    const list = div('list', el);
    group = { el, head, sup, info, list, ids: [] };
    groups.set(symbol, group);
    return group;
  }

  function refreshGroup(group) {
    let shown = 0;
    let broken = 0;
    for (const id of group.ids) {
      const row = rows.get(id);
      if (!views.get(id).el.hidden) shown++;
      if (row.state === 'broken' || row.status === 'disabled') broken++;
    }
    group.el.hidden = shown === 0;
    group.info.textContent = `${shown}/${group.ids.length} shown${broken ? `, ${broken} broken/disabled` : ''}`;
  }

  function createView(row) {
    const group = groupOf(row.symbol);
    const el = div('actor');
    el.dataset.actorId = row.id;
    el.tabIndex = 0;
    span('id', el).textContent = row.id;
    const badge = span('badge', el);
    const meta = span('meta', el);
    const err = span('err', el);
    el.addEventListener('click', () => onSelect(row.id));
    el.addEventListener('keydown', (e) => { if (e.key === 'Enter') onSelect(row.id); });
    // Keep actors ordered by id within a symbol, as /actors lists them.
    const at = group.ids.findIndex((other) => other > row.id);
    if (at < 0) { group.list.appendChild(el); group.ids.push(row.id); }
    else { group.list.insertBefore(el, views.get(group.ids[at]).el); group.ids.splice(at, 0, row.id); }
    const view = { el, badge, meta, err };
    views.set(row.id, view);
    return view;
  }

  function paint(row) {
    const view = views.get(row.id) ?? createView(row);
    const old = rows.get(row.id);
    if (old) stateCounts.set(old.state, (stateCounts.get(old.state) ?? 1) - 1);
    stateCounts.set(row.state, (stateCounts.get(row.state) ?? 0) + 1);
    rows.set(row.id, row);
    view.el.dataset.state = row.state;
    view.el.dataset.status = row.status;
    view.badge.dataset.state = row.state;
    view.badge.textContent = row.state;
    const b = row.breaker;
    view.meta.textContent = `${row.status} | breaker ${breakerText(b)} | failed ${row.failures.total}`;
    const problem = row.disabled ? `disabled ${row.disabled.code}: ${row.disabled.reason}` : row.lastError ? `last error ${row.lastError.code}: ${row.lastError.message} (${row.lastError.at ?? ''})` : '';
    view.err.textContent = problem;
    view.err.title = problem;
    view.el.hidden = !matches(row);
  }

  function paintTree() {
    if (!tree) return;
    for (const s of tree.symbols) {
      const group = groupOf(s.symbol);
      group.sup.dataset.state = s.state;
      group.sup.textContent = `supervisor: ${s.state}`;
      group.sup.title = s.escalated ? s.escalated.reason : '';
    }
  }

  function changed() {
    onChange({ rows, stateCounts, tree, shown: [...views.values()].filter((v) => !v.el.hidden).length });
  }

  return {
    applySnapshot(message) {
      for (const row of message.actors) paint(row);
      tree = message.tree;
      paintTree();
      for (const group of groups.values()) refreshGroup(group);
      changed();
    },
    applyBatch(batch) {
      const touched = new Set();
      for (const row of batch.actors) {
        paint(row);
        touched.add(row.symbol);
      }
      if (batch.tree) { tree = batch.tree; paintTree(); }
      for (const symbol of touched) refreshGroup(groups.get(symbol));
      changed();
    },
    setFilter(next) {
      filter = { ...next, text: next.text.trim().toLowerCase() };
      for (const [id, row] of rows) views.get(id).el.hidden = !matches(row);
      for (const group of groups.values()) refreshGroup(group);
      changed();
    },
    select(id) {
      if (selected) views.get(selected)?.el.classList.remove('selected');
      selected = id;
      const view = views.get(id);
      if (view) { view.el.classList.add('selected'); view.el.scrollIntoView({ block: 'nearest' }); }
    },
    row: (id) => rows.get(id),
    rows: () => rows,
  };
}
