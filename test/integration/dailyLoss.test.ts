import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/** Backlog D2.1: the daily loss limit escalates to the system level (emergency stop, HALTED). */
let h: AppHarness | undefined;
afterAll(async () => {
  await h?.app.stop();
});

describe('daily loss limit', () => {
  it('halts trading once equity is down more than the limit since the UTC day start', async () => {
    h = await startTestApp({ risk: { dailyLossLimitPct: 0.5 }, supervision: { accountCheckMs: 60_000 }, exchange: { transport: 'inproc' } });
    await h.run(12 * 3_600_000, 10_000);
    const stop = h.logs.find((l) => l.event === 'escalation' && l.kind === 'emergency_stop');
    expect(stop).toMatchObject({ escalationLevel: 'system', code: 'DAILY_LOSS_LIMIT' });
    expect(String(stop?.reason)).toMatch(/down more than 0\.5% from the UTC day's start/);
    expect(h.app.runtime.gate.current()).toBe('HALTED');
    expect((await h.get('/ready')).status).toBe(503);
    const equity = ((await h.get('/actors')).body as { account: { equity: number } }).account.equity;
    expect(equity).toBeLessThan(10_000 * 0.995 + 50); // the last fills may land after the check
  }, 120_000);
});
