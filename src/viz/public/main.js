// Wires the page: statecharts from /machines, the live actor feed from /viz/ws, filters,
// and the selected actor's detail. No framework and no build step: the bot serves these
// files as they are.
import { renderChart } from './chart.js';
import { clockLabel, createDetailLoader } from './detail.js';
import { createTree } from './tree.js';
import { wireHeaderButtons } from './ops.js';

const $ = (id) => document.getElementById(id);
const charts = new Map(); // machine name -> { graph, view }
let activeMachine = 'strategy';
let selectedId = null;
let lastState = { rows: new Map(), stateCounts: new Map(), tree: null };

const detail = createDetailLoader($('detail'));
const tree = createTree($('tree'), {
  onSelect: (id) => select(id),
  onChange: (state) => {
    lastState = state;
    renderHeader(state);
    fillFilterOptions(state.rows);
    highlight();
  },
});

function select(id) {
  selectedId = id;
  tree.select(id);
  detail.show(id);
  if (location.hash !== `#actor=${id}`) history.replaceState(null, '', `#actor=${encodeURIComponent(id)}`);
  highlight();
}

/** The current state of each chart: the selected actor, its symbol supervisor, the system. */
function highlight() {
  const chart = charts.get(activeMachine)?.view;
  if (!chart) return;
  const row = selectedId ? lastState.rows.get(selectedId) : undefined;
  const t = lastState.tree;
  if (activeMachine === 'strategy') {
    chart.setCurrent(row ? row.state : null);
    chart.setCounts(lastState.stateCounts);
  } else if (activeMachine === 'symbolSupervisor') {
    const sym = row && t ? t.symbols.find((s) => s.symbol === row.symbol) : undefined;
    chart.setCurrent(sym ? sym.state : null);
    const counts = new Map();
    for (const s of t?.symbols ?? []) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
    chart.setCounts(counts);
  } else {
    chart.setCurrent(t ? t.system.state : null);
    chart.setCounts(new Map());
  }
}

function renderHeader(state) {
  const sys = state.tree?.system;
  if (sys) {
    $('system').textContent = `system: ${sys.state}, trading ${sys.tradingState}${sys.halt ? ` (${sys.halt.code}: ${sys.halt.reason})` : ''}`;
    $('system').dataset.state = sys.state;
    $('system').dataset.trading = sys.tradingState;
  }
  const parts = [...state.stateCounts].filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`);
  $('counts').textContent = `${state.rows.size} actors: ${parts.join(', ')}`;
  $('f-shown').textContent = `${state.shown} of ${state.rows.size} shown`;
}

const known = { symbol: new Set(), strategy: new Set() };
function fillFilterOptions(rows) {
  for (const row of rows.values()) {
    for (const [kind, value] of [['symbol', row.symbol], ['strategy', row.strategy]]) {
      if (known[kind].has(value)) continue;
      known[kind].add(value);
      const option = document.createElement('option');
      option.value = value;
      option.textContent = value;
      $(`f-${kind}`).appendChild(option);
    }
  }
}

function readFilter() {
  return {
    text: $('f-text').value,
    symbol: $('f-symbol').value,
    strategy: $('f-strategy').value,
    state: $('f-state').value,
    status: $('f-status').value,
    problems: $('f-problems').checked,
  };
}

function showMachine(name) {
  activeMachine = name;
  for (const button of $('tabs').children) button.setAttribute('aria-selected', String(button.dataset.machine === name));
  const { graph } = charts.get(name);
  $('chart-help').textContent = `${graph.description} Dashed: eventless (always); dotted: delayed (after). Highlighted: ${name === 'systemSupervisor' ? 'the system' : 'the selected actor'}.`;
  charts.get(name).view = renderChart($('chart'), graph);
  highlight();
}

async function loadMachines() {
  const list = await (await fetch('/machines')).json();
  for (const m of list.machines) {
    const graph = await (await fetch(m.graph)).json();
    charts.set(m.name, { graph, view: null });
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.machine = m.name;
    button.textContent = m.name;
    button.addEventListener('click', () => showMachine(m.name));
    $('tabs').appendChild(button);
  }
  // The state filter offers exactly the strategy machine's states.
  for (const node of charts.get('strategy').graph.nodes) {
    if (node.parent === null) continue;
    const option = document.createElement('option');
    option.value = node.key;
    option.textContent = node.key;
    $('f-state').appendChild(option);
  }
  showMachine('strategy');
}

function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/viz/ws`);
  ws.addEventListener('open', () => { $('conn').dataset.status = 'live'; $('conn').textContent = 'live'; });
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    if (message.type === 'snapshot') {
      tree.applySnapshot(message);
      const wanted = decodeURIComponent((location.hash.match(/^#actor=(.+)$/) ?? [])[1] ?? '');
      if (wanted && !selectedId && lastState.rows.has(wanted)) select(wanted);
      else if (selectedId) detail.refresh();
    } else if (message.type === 'batch') {
      tree.applyBatch(message);
      if (selectedId && message.actors.some((row) => row.id === selectedId)) detail.refresh();
    }
    document.body.dataset.seq = String(message.seq ?? 0);
  });
  ws.addEventListener('close', () => {
    $('conn').dataset.status = 'closed';
    $('conn').textContent = 'disconnected, retrying';
    // The bot may be restarting: retry; the next snapshot replaces everything.
    setTimeout(connect, 1000);
  });
}

// Dry-run runs on simulated time, live on the wall clock: label the page's times once.
fetch('/health')
  .then((r) => r.json())
  .then((health) => { $('clock').textContent = `times: ${clockLabel(health.clock)}`; $('clock').dataset.source = health.clock?.source ?? ''; })
  .catch(() => { $('clock').textContent = 'times: UTC'; });

wireHeaderButtons();
$('filters').addEventListener('input', () => tree.setFilter(readFilter()));
$('filters').addEventListener('submit', (e) => e.preventDefault());
loadMachines().then(connect, (error) => { $('chart').textContent = `could not load machines: ${error}`; connect(); });
