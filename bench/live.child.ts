import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { AcceleratedClock } from '../src/clock/acceleratedClock.ts';
import { loadConfig } from '../config/load.ts';
import { startApp } from '../src/app.ts';
import { parseOrderLinkId } from '../src/core/orders/orderLinkId.ts';
import type { Order } from '../src/domain/types.ts';
import { createLogger } from '../src/observability/logger.ts';

/**
 * One measurement of bench/live.bench.ts, in its own process (RSS and the event loop belong
 * to it alone). The whole app (supervision tree, order manager, journal, HTTP) on the
 * built-in simulator, every preset on 1-minute candles, the clock at 60x: each symbol closes
 * one candle per real second.
 *
 *   live.child.ts scale ACTORS SECONDS      ACTORS = symbols x 4 presets, inproc; after a
 *       warm-up (every actor's first iteration) it measures SECONDS real seconds: peak RSS,
 *       event-loop delay p99, cycles completed of those due, cycle duration p99 (real ms
 *       from leaving idle to entering cooldown).
 *   live.child.ts tickToOrder inproc|wire ORDERS SYMBOLS   after the same warm-up, until ORDERS entry orders have
 *       arrived at the simulator (its matching engine; over the wire, after the simulator
 *       server parsed the request): real ms from the close of the candle the decision was
 *       made on to the arrival, p50 / p99, and that time split at the order's intent (the
 *       journal's record: close -> intent, intent -> arrival, p50 each). The wire simulator
 *       server runs in this process.
 */
const SPEED = 60;
const mode = process.argv[2];
const start = Date.UTC(2026, 0, 5);
const dataDir = mkdtempSync(join(tmpdir(), 'bybot-live-bench-'));
const symbolsOf = (n: number) => Array.from({ length: n }, (_, i) => `L${String(i).padStart(4, '0')}USDT`);
const PRESETS = [
  { id: 'rng', type: 'range' },
  { id: 'mtf', type: 'multiTimeframe' },
  { id: 'vwap', type: 'volumeVwap' },
  { id: 'rng2', type: 'range' },
] as const;

const pct = (sorted: Float64Array | number[], q: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!);
const round2 = (x: number) => Math.round(x * 100) / 100;

async function boot(symbols: readonly string[], presets: readonly (typeof PRESETS)[number][], transport: 'inproc' | 'wire', extra: Record<string, unknown>) {
  const loaded = loadConfig({
    env: {},
    overrides: {
      strategies: presets.map((p) => ({ id: p.id, type: p.type, symbols: [...symbols], params: { interval: '1' } })),
      exchange: { transport },
      http: { port: 0 },
      journal: { dataDir },
      log: { level: 'silent' },
      simulator: { startTime: new Date(start).toISOString(), historyDays: 1, speed: SPEED },
      limits: { maxActors: 1_000_000 },
      ...extra,
    },
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const clock = new AcceleratedClock(start, SPEED);
  return startApp({ config: loaded.config, logger: createLogger({ level: 'silent', pretty: 'never' }), clock, listen: false });
}

function heapFigures(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1_048_576);
  return { heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers) };
}

/** Sum of a counter's series (all labels). */
async function counterTotal(registry: { getSingleMetric(name: string): { get(): Promise<{ values: { value: number }[] }> } | undefined }, name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  return metric ? (await metric.get()).values.reduce((sum, v) => sum + v.value, 0) : 0;
}

/** Waits (at most 4 minutes) until every actor has finished its first iteration (the converged REST warm-up). */
async function warmedUp(registry: { list(): readonly { readonly context: { readonly counters: { readonly iterations: number } } }[] }): Promise<void> {
  const deadline = performance.now() + 240_000;
  while (registry.list().some((e) => e.context.counters.iterations < 1) && performance.now() < deadline) await sleep(200);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function scale(actors: number, seconds: number): Promise<Record<string, number>> {
  const symbols = symbolsOf(Math.ceil(actors / PRESETS.length));
  const app = await boot(symbols, PRESETS, 'inproc', { actor: { cooldownMs: 1_000 } });
  const registry = app.runtime.registry;
  const total = registry.size();
  await warmedUp(registry);
  const iterationsAt = () => registry.list().reduce((sum, e) => sum + e.context.counters.iterations, 0);
  const durations: number[] = [];
  // The observer's own timing of each finished cycle (from the TICK's arrival): a cycle whose
  // market answer came from memory never shows `fetching` (it ends in the TICK's step).
  const off = registry.onChange((entry, transition) => {
    if (transition && (transition.to === 'cooldown' || transition.to === 'broken') && entry.lastCycleMs !== null) durations.push(entry.lastCycleMs);
  });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const iterations0 = iterationsAt();
  const sim0 = app.clock.now();
  loop.enable();
  await sleep(seconds * 1_000);
  loop.disable();
  const sim1 = app.clock.now();
  const done = iterationsAt() - iterations0;
  off();
  // Closes of 1-minute candles in [sim0, sim1): each one is a cycle due for every actor.
  const closes = Math.floor(sim1 / 60_000) - Math.floor(sim0 / 60_000);
  const sorted = Float64Array.from(durations).sort();
  const out = {
    actors: total,
    rssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    eventLoopP99Ms: round2(loop.percentile(99) / 1e6),
    cyclesCompletedPct: round2(closes > 0 ? Math.min(100, (100 * done) / (closes * total)) : Number.NaN),
    cycleP99Ms: round2(pct(sorted, 0.99)),
    cycleP50Ms: round2(pct(sorted, 0.5)),
    closes,
    // Where the memory is at the end: V8's heap (used / reserved) and memory outside it.
    ...heapFigures(),
    // Degraded paths under load: cycles the fallback timer started, market reads that needed REST.
    fallbackTicks: await counterTotal(app.metrics.registry, 'bybot_tick_fallback_total'),
    marketRest: app.runtime.market.stats.rest,
    marketMemory: app.runtime.market.stats.memory,
  };
  await app.stop();
  return out;
}

async function tickToOrder(transport: 'inproc' | 'wire', wanted: number, symbolCount: number): Promise<Record<string, number>> {
  const symbols = symbolsOf(symbolCount);
  const app = await boot(symbols, PRESETS.slice(0, 3), transport, {
    // Decide at the close itself (no confirm delay where the runtime reads the close), and
    // let many entries through so the percentiles rest on enough orders.
    actor: { cooldownMs: 1_000, tickDelayMs: 0 },
    risk: { minScore: 0.1, maxOpenPositions: 100_000, maxTotalExposurePct: 1_000, maxPositionPct: 100, riskPerTradePct: 0.05, dailyLossLimitPct: 100 },
    simulator: { startTime: new Date(start).toISOString(), historyDays: 1, speed: SPEED, initialBalance: 100_000_000 },
  });
  const engine = app.simulator;
  if (!engine) throw new Error('no simulator engine in this process');
  // Counted after the warm-up, as the scale figures: the first cycles of every actor read
  // their history over REST at once, and entries decided on those first closes measured the
  // start-up (0.4-1 s, a tenth of the orders), not the live path.
  await warmedUp(app.runtime.registry);
  const latencies: number[] = [];
  // Per measured order: its close (simulated ms) and the real ms from that close to its arrival.
  const arrivals = new Map<string, { close: number; ms: number }>();
  const seen = new Set<string>();
  const off = engine.engine.on('order', (o) => {
    const order = o as Order;
    if (seen.has(order.orderLinkId)) return;
    seen.add(order.orderLinkId);
    const parsed = parseOrderLinkId(order.orderLinkId);
    if (!parsed || parsed.purpose !== 'entry') return;
    // The candle closed at its start + 1 minute; simulated ms / speed = real ms.
    const ms = (app.clock.now() - (parsed.candleStart + 60_000)) / SPEED;
    latencies.push(ms);
    arrivals.set(order.orderLinkId, { close: parsed.candleStart + 60_000, ms });
    closes.add(parsed.candleStart);
  });
  const closes = new Set<number>();
  const deadline = performance.now() + 300_000;
  while (latencies.length < wanted && performance.now() < deadline) await sleep(100);
  off();
  await app.stop();
  const sorted = Float64Array.from(latencies).sort();
  const split = intentSplit(arrivals);
  return { orders: latencies.length, closes: closes.size, p50Ms: round2(pct(sorted, 0.5)), p99Ms: round2(pct(sorted, 0.99)), minMs: round2(pct(sorted, 0)), ...split };
}

/**
 * Where an order's time goes: from the close to its intent (the journal's `created_at`, written
 * when the order manager takes the entry: the wait for the dispatch of the close and the
 * actor's own cycle), and from the intent to its arrival (the durable intent, the order path,
 * the exchange port). Simulated ms / speed = real ms (1 simulated ms is 17 us here). p50 of each.
 */
function intentSplit(arrivals: ReadonlyMap<string, { close: number; ms: number }>): { intentP50Ms: number; sendP50Ms: number } {
  const db = new Database(join(dataDir, 'bybot.db'), { readonly: true });
  const toIntent: number[] = [];
  const send: number[] = [];
  try {
    const row = db.prepare<[string], { created_at: number }>('SELECT created_at FROM orders WHERE order_link_id = ?');
    for (const [link, a] of arrivals) {
      const intent = row.get(link);
      if (!intent) continue;
      const ms = (intent.created_at - a.close) / SPEED;
      toIntent.push(ms);
      send.push(a.ms - ms);
    }
  } finally {
    db.close();
  }
  return { intentP50Ms: round2(pct(Float64Array.from(toIntent).sort(), 0.5)), sendP50Ms: round2(pct(Float64Array.from(send).sort(), 0.5)) };
}

let result: Record<string, number>;
if (mode === 'scale') result = await scale(Number(process.argv[3]), Number(process.argv[4] ?? 20));
else if (mode === 'tickToOrder') result = await tickToOrder(process.argv[3] === 'wire' ? 'wire' : 'inproc', Number(process.argv[4] ?? 200), Number(process.argv[5] ?? 60));
else throw new Error(`unknown mode ${mode}`);
process.stdout.write(`${JSON.stringify(result)}\n`);
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
