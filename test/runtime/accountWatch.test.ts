import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, sendParent, setup } from 'xstate';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { AccountTracker } from '../../src/runtime/accountTracker.ts';
import { createAccountWatch, type IoActorDeps } from '../../src/runtime/ioActors.ts';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5, 10);

/** The watch under a parent that keeps every event it sends back. */
function watch(equityAt: (now: number) => number, dailyLossAction: IoActorDeps['dailyLossAction']) {
  const clock = new ManualClock(START);
  const received: { type: string; until?: number; at: number }[] = [];
  const deps = {
    exchange: { balance: async () => ({ coin: 'USDT', equity: equityAt(clock.now()), availableBalance: 0, walletBalance: 0 }) },
    clock,
    account: new AccountTracker(),
    metrics: createMetrics(),
    logger: createLogger({ level: 'silent', pretty: 'never' }),
    accountCheckMs: 60_000,
    dailyLossLimitPct: 5,
    dailyLossAction,
  } as unknown as IoActorDeps;
  const parent = setup({ actors: { watch: createAccountWatch(deps) } }).createMachine({
    invoke: { src: 'watch' },
    on: { '*': { actions: ({ event }) => void received.push(event as never) } },
  });
  const actor = createActor(parent);
  actor.start();
  return { clock, received, stop: () => actor.stop() };
}

describe('account watch', () => {
  it('asks for a daily-loss pause once per UTC day while the loss lasts, again the next day', async () => {
    // 1,000 at the first check, then 900 (10% down) until the first minute of the next UTC
    // day (its day start), then 800 (11% down from that start).
    const midnight = Date.UTC(2026, 0, 6);
    const run = watch((now) => (now === START ? 1_000 : now <= midnight ? 900 : 800), 'pause-until-utc-midnight');
    await run.clock.advanceBy(DAY);
    run.stop();
    const pauses = run.received.filter((e) => e.type === 'DAILY_LOSS_PAUSE');
    // Checks every minute: 1,440 checks with the loss reached, two pauses (one per UTC day).
    expect(pauses.map((p) => new Date(p.until!).toISOString())).toEqual(['2026-01-06T00:00:00.000Z', '2026-01-07T00:00:00.000Z']);
    expect(pauses[0]!.at).toBe(START + 60_000);
  });

  it('in halt mode reports the loss as an account alert', async () => {
    const run = watch((now) => (now === START ? 1_000 : 900), 'halt');
    await run.clock.advanceBy(120_000);
    run.stop();
    expect(run.received.filter((e) => e.type === 'ACCOUNT_ALERT').length).toBeGreaterThanOrEqual(1);
    expect(run.received.some((e) => e.type === 'DAILY_LOSS_PAUSE')).toBe(false);
  });
});
