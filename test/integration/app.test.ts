import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGY_STATES } from '../../machines/strategy.types.ts';
import { REGIME_LABELS } from '../../src/core/indicators/regime.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * The whole bot in dry-run against the built-in simulator, on 127.0.0.1:0, for two
 * simulated hours: probes, actor snapshots, Prometheus metrics and real simulated trades.
 */
let h: AppHarness;

beforeAll(async () => {
  h = await startTestApp();
  await h.run(2 * 3_600_000, 5_000);
}, 120_000);

afterAll(async () => {
  await h?.app.stop();
});

interface ActorView {
  id: string;
  symbol: string;
  strategy: string;
  state: string;
  breaker: { status: string };
  failures: Record<string, unknown>;
  regime: string | null;
  lastSignal: { action: string; score: number; factors: Record<string, number>; regime?: string } | null;
  lastRiskDecision: unknown;
}

describe('dry-run app on the simulator', () => {
  it('/health is 200 with the event-loop lag', async () => {
    const r = await h.get('/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok' });
  });

  it('/ready is 200 while config, exchange and supervisors are fine', async () => {
    const r = await h.get('/ready');
    expect(r.body).toMatchObject({ ready: true });
    expect(r.status).toBe(200);
  });

  it('/actors lists the 9 symbol x strategy actors with states from the design card', async () => {
    const r = await h.get('/actors');
    const actors = (r.body as { actors: ActorView[] }).actors;
    expect(actors.map((a) => a.id).sort()).toEqual(
      ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].flatMap((s) => ['mtf-v1', 'range-v1', 'vwap-v1'].map((p) => `${s}:${p}`)).sort(),
    );
    for (const a of actors) {
      expect(STRATEGY_STATES).toContain(a.state);
      expect(a.breaker.status).toBe('closed');
    }
    const withSignal = actors.filter((a) => a.lastSignal !== null);
    expect(withSignal.length).toBeGreaterThanOrEqual(6);
    for (const a of withSignal) {
      expect(a.lastSignal!.score).toBeGreaterThanOrEqual(0.1);
      expect(a.lastSignal!.score).toBeLessThanOrEqual(1);
      expect(Object.keys(a.lastSignal!.factors)).toHaveLength(3);
      expect(REGIME_LABELS).toContain(a.regime);
      expect(a.lastSignal!.regime).toBe(a.regime);
    }
  });

  it('/actors/:id adds the last transitions', async () => {
    const r = await h.get(`/actors/${encodeURIComponent('BTCUSDT:range-v1')}`);
    expect(r.status).toBe(200);
    const body = r.body as { transitions: { from: string; to: string; event: string; at: string }[] };
    expect(body.transitions.length).toBeGreaterThan(10);
    expect(body.transitions.length).toBeLessThanOrEqual(50);
    expect(body.transitions[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((await h.get('/actors/NOPE:x')).status).toBe(404);
  });

  it('/metrics parses as Prometheus text with the runtime metrics', async () => {
    const r = await h.get('/metrics');
    expect(r.status).toBe(200);
    expect(r.contentType).toContain('text/plain');
    const samples = r.text.split('\n').filter((l) => l && !l.startsWith('#'));
    for (const line of samples) expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.e+-]+|NaN|[+-]Inf$/);
    expect(r.text).toMatch(/^bybot_market_regime\{symbol="BTCUSDT",strategy="range-v1",regime="(trendingUp|trendingDown|ranging|volatile|unknown)"\} 1$/m);
    for (const name of ['bybot_cycle_duration_seconds_bucket', 'bybot_actor_state', 'bybot_breaker_trips_total', 'bybot_orders_total', 'process_cpu_user_seconds_total']) {
      expect(r.text).toContain(name);
    }
    // One-hot over the seven states for every actor, read from the registry at the scrape.
    const states = [...r.text.matchAll(/^bybot_actor_state\{actor="BTCUSDT:range-v1",symbol="BTCUSDT",strategy="range-v1",state="(\w+)"\} (\d)$/gm)];
    expect(states.map((m) => m[1]).sort()).toEqual(['broken', 'cooldown', 'fetching', 'idle', 'ordering', 'signalling', 'validating']);
    expect(states.filter((m) => m[2] === '1')).toHaveLength(1);
    // Every finished cycle is timed, also one whose market answer came from memory inside the
    // TICK's own step (idle -> cooldown in one snapshot, never seen in fetching).
    const timed = [...r.text.matchAll(/^bybot_cycle_duration_seconds_count\{symbol="BTCUSDT",strategy="range-v1",outcome="\w+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    const actor = (await h.get(`/actors/${encodeURIComponent('BTCUSDT:range-v1')}`)).body as { counters: { iterations: number } };
    expect(actor.counters.iterations).toBeGreaterThan(10);
    expect(timed).toBeGreaterThanOrEqual(actor.counters.iterations - 1);
    expect(timed).toBeLessThanOrEqual(actor.counters.iterations);
  });

  it('placed real trades in the simulator, each with a deterministic orderLinkId and a stop', async () => {
    const executions = await h.app.exchange.executions({ limit: 100 });
    const entries = executions.filter((e) => e.orderLinkId.startsWith('bb1-'));
    expect(entries.length).toBeGreaterThanOrEqual(3);
    const orders = h.logs.filter((l) => l.event === 'order');
    expect(orders.length).toBeGreaterThanOrEqual(3);
    const linkIds = orders.map((l) => l.orderLinkId as string);
    expect(new Set(linkIds).size).toBe(linkIds.length);
    for (const position of await h.app.exchange.positions()) {
      expect(position.stopLoss).toBeGreaterThan(0);
    }
  });

  it('logs are JSON with correlation ids on every actor line and no emoji', () => {
    for (const line of h.logs.filter((l) => typeof l.actor === 'string')) {
      expect(line.correlationId).toBeTruthy();
      expect(line.symbol).toBeTruthy();
      expect(line.strategy).toBeTruthy();
    }
    expect(h.rawLog.join('')).not.toMatch(/\p{Extended_Pictographic}/u);
    // One pino level per line: a field named "level" would duplicate the JSON key.
    for (const raw of h.rawLog) expect(raw.match(/"level":/g)).toHaveLength(1);
  });
});
