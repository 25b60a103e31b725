import { actorButtons } from './ops.js';

// The selected actor, from GET /actors/:id (the same view the JSON API serves): context
// snapshot, last signal with its confluence factors, and its last 50 transitions.

function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function kv(pairs) {
  return `<table class="kv">${pairs.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

function signalHtml(signal) {
  if (!signal) return '<p class="muted">no signal yet</p>';
  const factors = Object.entries(signal.factors ?? {})
    .map(([name, value]) => `<tr><td>${esc(name)}</td><td>${Number(value).toFixed(3)}</td><td><span class="factor-bar" style="width:${Math.round(Math.max(0, Math.min(1, Number(value))) * 160)}px"></span></td></tr>`)
    .join('');
  return (
    kv([
      ['action', `${signal.action} (${signal.mode})`],
      ['score', signal.score],
      ['candle', signal.candleStart],
      ['price / stop / target', `${signal.price ?? '-'} / ${signal.stopLoss ?? '-'} / ${signal.takeProfit ?? '-'}`],
      ['reason', signal.reason ?? ''],
    ]) + `<table class="factors"><tr><th>confluence factor</th><th>value</th><th></th></tr>${factors}</table>`
  );
}

/** "simulated, 300x" or "wall clock": the times of the bot's clock (dry-run runs on simulated time). */
export function clockLabel(clock) {
  if (!clock || clock.source !== 'simulated') return 'UTC, wall clock';
  return `UTC, simulated${clock.speed ? ` ${clock.speed}x` : ''}`;
}

function transitionsHtml(transitions, clock) {
  if (!transitions.length) return '<p class="muted">no transitions yet</p>';
  const rows = [...transitions]
    .reverse()
    .map((t) => `<tr data-to="${esc(t.to)}"><td>${esc(t.at)}</td><td>${esc(t.from)} &rarr; <b>${esc(t.to)}</b></td><td><code>${esc(t.event)}</code></td><td class="muted">${esc(t.correlationId)}</td></tr>`)
    .join('');
  return `<table class="transitions"><tr><th>time (${esc(clockLabel(clock))})</th><th>transition</th><th>caused by event</th><th>correlation id</th></tr>${rows}</table>`;
}

/**
 * "open 5/5, 2 trips": consecutive failures counted toward the threshold (capped at it:
 * half-open failures go on counting but the breaker cannot be "more open"), and the trips.
 */
export function breakerText(b) {
  const shown = Math.min(b.consecutiveFailures, b.failureThreshold);
  return `${b.status} ${shown}/${b.failureThreshold}, ${b.trips} trip${b.trips === 1 ? '' : 's'}`;
}

export function renderDetail(container, actor) {
  const b = actor.breaker;
  container.dataset.actorId = actor.id;
  container.dataset.state = actor.state;
  container.innerHTML = `
    <h2>${esc(actor.id)} <span class="badge" data-state="${esc(actor.state)}">${esc(actor.state)}</span></h2>
    ${kv([
      ['status', actor.status + (actor.disabled ? ` (${actor.disabled.code}: ${actor.disabled.reason})` : '')],
      ['state since', `${actor.stateSince} (${clockLabel(actor.clock)})`],
      ['strategy', `${actor.strategy} (${actor.strategyType}, ${actor.interval}m candles)`],
      ['breaker', breakerText(b) + `, opened ${b.openedAt ?? '-'}`],
      ['failures', `${actor.failures.total} failed, ${actor.failures.skipped} skipped; by code ${JSON.stringify(actor.failures.byCode)}`],
      ['last error', actor.lastError ? `${actor.lastError.code} (${actor.lastError.level}) at ${actor.lastError.at}: ${actor.lastError.message}` : '-'],
      ['last skip', actor.lastSkip ? `${actor.lastSkip.reason} at ${actor.lastSkip.at}` : '-'],
      ['correlation id', actor.correlationId],
    ])}
    <h3>Last signal</h3>${signalHtml(actor.lastSignal)}
    <h3>Last risk decision / order</h3>${kv([
      ['risk', actor.lastRiskDecision ? `${actor.lastRiskDecision.allowed ? 'allowed' : `denied ${actor.lastRiskDecision.code}`}: ${actor.lastRiskDecision.reason}` : '-'],
      ['order', actor.lastOrder ? `${actor.lastOrder.side} ${actor.lastOrder.qty} ${actor.lastOrder.status} (${actor.lastOrder.orderLinkId})` : '-'],
    ])}
    <h3>Last ${actor.transitions.length} transitions (newest first)</h3>${transitionsHtml(actor.transitions, actor.clock)}
    <h3>Context snapshot</h3>
    <details open><summary>counters, data quality, indicators, params, risk</summary><pre>${esc(
      JSON.stringify({ counters: actor.counters, dataQuality: actor.dataQuality, lastIndicators: actor.lastIndicators, params: actor.params, risk: actor.risk }, null, 2),
    )}</pre></details>`;
  actorButtons(container, actor);
}

/** Loads an actor's detail; at most one request in flight, later requests coalesce into one. */
export function createDetailLoader(container) {
  let wanted = null;
  let busy = false;
  let again = false;
  async function load() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      do {
        again = false;
        const id = wanted;
        const response = await fetch(`/actors/${encodeURIComponent(id)}`);
        if (id !== wanted) continue;
        if (!response.ok) { container.innerHTML = `<p class="muted">${esc(id)}: HTTP ${response.status}</p>`; continue; }
        renderDetail(container, await response.json());
      } while (again);
    } finally {
      busy = false;
    }
  }
  return {
    show(id) { wanted = id; void load(); },
    refresh() { if (wanted) void load(); },
  };
}
