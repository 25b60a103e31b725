import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, SIM_START, type AppHarness } from '../support/appHarness.ts';

/**
 * Backlog D2.1: the daily loss limit. Default action: new entries are paused until the next
 * 00:00 UTC (positions keep their stops), then trading resumes by itself; with
 * risk.dailyLossAction 'halt' it is an emergency stop (level 3) until an operator resumes.
 */
let h: AppHarness | undefined;
afterEach(async () => {
  await h?.app.stop();
  h = undefined;
});

const HOUR = 3_600_000;

describe('daily loss limit', () => {
  it('pauses new entries until 00:00 UTC, then trades again (default action)', async () => {
    h = await startTestApp({ risk: { dailyLossLimitPct: 0.5 }, supervision: { accountCheckMs: 60_000 }, exchange: { transport: 'inproc' } });
    await h.run(20 * HOUR, 10_000);
    const pause = h.logs.find((l) => l.event === 'escalation' && l.kind === 'daily_loss_pause');
    expect(pause).toMatchObject({ escalationLevel: 'system', code: 'DAILY_LOSS_LIMIT', level: 'warn' });
    expect(String(pause?.reason)).toMatch(/down more than 0\.5% from the UTC day's start.*paused until 2026-01-06T00:00:00\.000Z/);
    expect(h.logs.some((l) => l.event === 'escalation' && l.kind === 'emergency_stop')).toBe(false);
    expect(h.app.runtime.gate.current()).toBe('REDUCING');
    expect((await h.get('/ready')).status).toBe(200);
    const status = (await h.get('/status')).body as { system: { tradingState: string; pause: { until: string; reason: string } | null } };
    expect(status.system.tradingState).toBe('REDUCING');
    expect(status.system.pause?.until).toBe('2026-01-06T00:00:00.000Z');
    // Entries are denied while paused: no entry fill between the pause and midnight.
    const pausedAt = Date.parse(String(pause?.at));
    const entriesWhilePaused = (await h.app.exchange.executions({ limit: 1000 })).filter((e) => e.stopOrderType === 'Trade' && e.closedSize === 0 && e.execTime > pausedAt);
    expect(entriesWhilePaused).toEqual([]);

    await h.run(SIM_START + 30 * HOUR - h.clock.now(), 10_000);
    const end = h.logs.find((l) => l.event === 'escalation' && l.kind === 'daily_loss_pause_end');
    expect(end).toMatchObject({ code: 'DAILY_LOSS_PAUSE_END', at: '2026-01-06T00:00:00.000Z', level: 'info' });
    expect(['ACTIVE', 'REDUCING']).toContain(h.app.runtime.gate.current());
    const entriesNextDay = (await h.app.exchange.executions({ limit: 1000 })).filter((e) => e.orderLinkId.startsWith('bb1-') && e.execTime >= SIM_START + 24 * HOUR);
    expect(entriesNextDay.length).toBeGreaterThan(0);
  }, 240_000);

  it('halts trading (level 3) with risk.dailyLossAction halt', async () => {
    h = await startTestApp({ risk: { dailyLossLimitPct: 0.5, dailyLossAction: 'halt' }, supervision: { accountCheckMs: 60_000 }, exchange: { transport: 'inproc' } });
    await h.run(12 * HOUR, 10_000);
    const stop = h.logs.find((l) => l.event === 'escalation' && l.kind === 'emergency_stop');
    expect(stop).toMatchObject({ escalationLevel: 'system', code: 'DAILY_LOSS_LIMIT' });
    expect(String(stop?.reason)).toMatch(/down more than 0\.5% from the UTC day's start/);
    expect(h.app.runtime.gate.current()).toBe('HALTED');
    expect((await h.get('/ready')).status).toBe(503);
    const equity = ((await h.get('/actors')).body as { account: { equity: number } }).account.equity;
    expect(equity).toBeLessThan(10_000 * 0.995 + 50); // the last fills may land after the check
  }, 120_000);
});
