import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness, type LogLine } from '../support/appHarness.ts';

/**
 * Fault injection on the built-in simulator, through its HTTP control endpoint, and the
 * escalation level the runtime reaches for each fault (backlog B2.3).
 */
let h: AppHarness | undefined;
afterEach(async () => {
  await h?.app.stop();
  h = undefined;
});

interface ActorView {
  id: string;
  symbol: string;
  state: string;
  disabled: { code: string } | null;
  breaker: { status: string; trips: number };
  counters: { degraded: number; failed: number; orders: number };
  dataQuality: { severity: string; reasons: string[] } | null;
  lastSignal: { mode: string } | null;
}

const escalations = (logs: readonly LogLine[]) => logs.filter((l) => l.event === 'escalation');

async function actors(app: AppHarness): Promise<ActorView[]> {
  return ((await app.get('/actors')).body as { actors: ActorView[] }).actors;
}

describe('fault: simulator down', () => {
  it('level 1 failures trip the breakers, level 2 disables the strategies, level 3 halts when too many symbols are out', async () => {
    h = await startTestApp();
    await h.run(20 * 60_000, 5_000);
    expect((await h.post('/simulator/faults', { down: true })).status).toBe(200);
    await h.run(30 * 60_000, 5_000);

    const mid = await actors(h);
    expect(mid.some((a) => a.breaker.trips >= 1)).toBe(true);
    expect(mid.every((a) => a.counters.failed >= 5)).toBe(true);

    await h.run(60 * 60_000, 5_000);
    const levels = escalations(h.logs).map((l) => `${l.escalationLevel}/${l.kind}/${l.code}`);
    expect(levels).toContain('symbol/strategy_disabled/BREAKER_TRIPS_EXCEEDED');
    expect(levels).toContain('system/emergency_stop/TOO_MANY_SYMBOLS_DISABLED');
    for (const e of escalations(h.logs)) expect(e.correlationId).toBeTruthy();

    const ready = await h.get('/ready');
    expect(ready.status).toBe(503);
    const reasons = (ready.body as { reasons: string[] }).reasons.join('\n');
    expect(reasons).toMatch(/HALTED/);
    expect(reasons).toMatch(/exchange/i);
    const status = (await h.get('/status')).body as { system: { tradingState: string } };
    expect(status.system.tradingState).toBe('HALTED');
  }, 120_000);
});

describe('fault: NaN candles', () => {
  it('stays at level 1: the degraded (simplified) path runs, no breaker trips, trading stays ACTIVE', async () => {
    h = await startTestApp();
    expect((await h.post('/simulator/faults', { nanCandles: ['BTCUSDT'] })).status).toBe(200);
    await h.run(60 * 60_000, 5_000);
    const list = await actors(h);
    const btc = list.filter((a) => a.symbol === 'BTCUSDT');
    for (const a of btc) {
      expect(a.counters.degraded).toBeGreaterThan(0);
      expect(a.dataQuality?.severity).toBe('degraded');
      expect(a.dataQuality?.reasons).toContain('NON_FINITE');
      expect(a.lastSignal?.mode).toBe('degraded');
      expect(a.breaker.trips).toBe(0);
      expect(a.disabled).toBeNull();
    }
    for (const a of list.filter((x) => x.symbol !== 'BTCUSDT')) expect(a.counters.degraded).toBe(0);
    expect(escalations(h.logs).filter((l) => l.escalationLevel !== 'strategy')).toEqual([]);
    expect((await h.get('/ready')).status).toBe(200);
  }, 120_000);
});

describe('fault: authentication rejected', () => {
  it('escalates to level 3 at once: HALTED, /ready 503, open orders cancelled; an operator resume brings it back', async () => {
    h = await startTestApp();
    await h.run(10 * 60_000, 5_000);
    expect((await h.post('/simulator/faults', { authRejected: true })).status).toBe(200);
    await h.run(6 * 60_000, 5_000);

    const stop = escalations(h.logs).find((l) => l.kind === 'emergency_stop');
    expect(stop).toMatchObject({ escalationLevel: 'system', code: 'AUTH_REJECTED' });
    expect(stop?.correlationId).toBeTruthy();
    const ready = await h.get('/ready');
    expect(ready.status).toBe(503);
    expect((ready.body as { reasons: string[] }).reasons.join('\n')).toMatch(/HALTED/);
    expect(h.app.runtime.gate.current()).toBe('HALTED');

    // No new orders while halted.
    const ordersBefore = h.logs.filter((l) => l.event === 'order').length;
    await h.run(20 * 60_000, 5_000);
    expect(h.logs.filter((l) => l.event === 'order').length).toBe(ordersBefore);

    await h.post('/simulator/faults', { authRejected: false });
    const resumed = await h.post('/control/resume', { reason: 'keys rotated' });
    expect(resumed.status).toBe(202);
    await h.run(2 * 60_000, 5_000);
    expect(h.app.runtime.gate.current()).toBe('ACTIVE');
    expect((await h.get('/ready')).status).toBe(200);
    expect((await actors(h)).every((a) => ['idle', 'fetching', 'validating', 'signalling', 'ordering', 'cooldown'].includes(a.state))).toBe(true);
  }, 120_000);
});
