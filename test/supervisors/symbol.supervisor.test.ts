import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, setup } from 'xstate';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { mulberry32 } from '../../src/core/rng.ts';
import { ExchangeUnavailableError, InsufficientBalanceError } from '../../src/domain/errors.ts';
import { createStrategyMachine, type StrategyMachine } from '../../machines/strategy.machine.ts';
import type { MarketSnapshot, PlacedOrder, EntryOrder } from '../../machines/strategy.types.ts';
import { promiseMarketSource } from '../../src/runtime/market/promiseMarketSource.ts';
import { createSymbolSupervisor, type SymbolSupervisorInput } from '../../supervisors/symbol.supervisor.ts';
import { market } from '../support/marketFixtures.ts';
import { T0, actorInput, resolveStrategy } from '../support/strategyHarness.ts';

/** The symbol supervisor with real strategy actors whose I/O the test scripts. */
function setupSymbol(options: {
  fetch: (now: number) => Promise<MarketSnapshot>;
  place?: (entry: EntryOrder) => Promise<PlacedOrder>;
  strategyLogic?: StrategyMachine;
  fallback?: Pick<Parameters<typeof createSymbolSupervisor>[0], 'onFallbackTick' | 'streamConfirmed'>;
}) {
  const clock = new ManualClock(T0);
  const strategyLogic =
    options.strategyLogic ??
    createStrategyMachine({ now: () => clock.now(), resolveStrategy, market: promiseMarketSource(() => options.fetch(clock.now())) }).provide({
      actors: {
        placeEntry: fromPromise<PlacedOrder, EntryOrder>(({ input }) =>
          options.place ? options.place(input) : Promise.resolve({ orderId: 'o', orderLinkId: input.orderLinkId, status: 'Filled', filledQty: input.entry.qty, avgPrice: 1, adopted: false }),
        ),
      },
    });
  const logic = createSymbolSupervisor({ now: () => clock.now(), random: mulberry32(7), strategyLogic, ...options.fallback });
  const input: SymbolSupervisorInput = {
    symbol: 'BTCUSDT',
    children: [{ ...actorInput, breaker: { failureThreshold: 5, openMs: 300_000 } }],
    tickDelayMs: 2_000,
    restart: { minMs: 1_000, maxMs: 30_000, jitter: 0.2 },
    intensity: 3,
    periodMs: 60_000,
    disableAfterTrips: 3,
    tripWindowMs: 3_600_000,
  };
  const actor = createActor(logic, { input, clock });
  actor.start();
  return { clock, actor };
}

describe('symbol supervisor', () => {
  it('ticks its strategy actors at each candle close plus the tick delay', async () => {
    const fetchTimes: number[] = [];
    const { clock, actor } = setupSymbol({
      fetch: async (now) => {
        fetchTimes.push(now);
        return market('none', now);
      },
    });
    await clock.advanceBy(5 * 60_000);
    // First tick at start, then every minute at hh:mm:02 (interval '1', tickDelayMs 2000).
    expect(fetchTimes[0]).toBe(T0);
    expect(fetchTimes.slice(1).every((t) => t % 60_000 === 2_000)).toBe(true);
    expect(fetchTimes.length).toBe(6);
    actor.stop();
  });

  it('the fallback timer does not stand in for a close the stream confirmed that still waits to be dispatched', async () => {
    const fetchTimes: number[] = [];
    const fallbacks: number[] = [];
    // The stream confirmed every close at once, but the dispatch (CANDLE_CLOSED) is late: only the minute-3 close arrives, at 03:30.
    const { clock, actor } = setupSymbol({
      fetch: async (now) => {
        fetchTimes.push(now);
        return market('none', now);
      },
      fallback: {
        onFallbackTick: () => void fallbacks.push(clock.now()),
        streamConfirmed: (_symbol, stepMs) => Math.floor(clock.now() / stepMs) * stepMs - stepMs,
      },
    });
    await clock.advanceBy(3 * 60_000 + 30_000);
    actor.send({ type: 'CANDLE_CLOSED', intervalMs: 60_000, start: T0 + 2 * 60_000 });
    await clock.advanceBy(60_000);
    // The first tick at start and the dispatched close; no fallback tick for the queued ones.
    expect(fetchTimes).toEqual([T0, T0 + 3 * 60_000 + 30_000]);
    expect(fallbacks).toEqual([]);
    actor.stop();
  });

  it('the fallback timer ticks the actors when the stream confirmed nothing (degraded)', async () => {
    const fallbacks: number[] = [];
    const { clock, actor } = setupSymbol({
      fetch: async (now) => market('none', now),
      fallback: { onFallbackTick: () => void fallbacks.push(clock.now()), streamConfirmed: () => Number.NEGATIVE_INFINITY },
    });
    await clock.advanceBy(3 * 60_000);
    expect(fallbacks.map((t) => t % 60_000)).toEqual([2_000, 2_000, 2_000]);
    actor.stop();
  });

  it('level 2: a breaker that trips 3 times within the hour disables the strategy on that symbol', async () => {
    let calls = 0;
    const { clock, actor } = setupSymbol({
      fetch: async () => {
        calls++;
        throw new ExchangeUnavailableError('HTTP 503');
      },
    });
    // 5 failures (one per minute) trip the breaker; each half-open attempt after 300 s re-trips it.
    await clock.advanceBy(4 * 60_000 + 2_000);
    const child = actor.getSnapshot().children['BTCUSDT:test'];
    expect(child?.getSnapshot().value).toBe('broken');
    await clock.advanceBy(11 * 60_000);
    const ctx = actor.getSnapshot().context;
    expect(ctx.disabled['BTCUSDT:test']).toMatchObject({ code: 'BREAKER_TRIPS_EXCEEDED' });
    expect(ctx.disabled['BTCUSDT:test']?.reason).toContain('breaker tripped 3 times within 3600000 ms');
    expect(ctx.running).toEqual([]);
    expect(actor.getSnapshot().children['BTCUSDT:test']).toBeUndefined();
    expect(calls).toBe(7); // 5 + two half-open attempts; nothing after the disable
    await clock.advanceBy(30 * 60_000);
    expect(calls).toBe(7);
    // An operator can enable it again: a fresh actor starts from idle.
    actor.send({ type: 'ENABLE_STRATEGY', actorId: 'BTCUSDT:test', correlationId: 'op#1' });
    expect(actor.getSnapshot().context.disabled['BTCUSDT:test']).toBeUndefined();
    expect(actor.getSnapshot().children['BTCUSDT:test']?.getSnapshot().value).toBe('idle');
    actor.stop();
  });

  it('level 2: a symbol-level error (insufficient balance) disables the strategy at once', async () => {
    const { clock, actor } = setupSymbol({
      fetch: async (now) => market('long', now),
      place: async () => {
        throw new InsufficientBalanceError('retCode 110007: ab not enough for new order');
      },
    });
    await clock.advanceBy(1_000);
    expect(actor.getSnapshot().context.disabled['BTCUSDT:test']).toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
    actor.stop();
  });

  it('restarts a crashed strategy actor with backoff, then gives up past the restart intensity', async () => {
    let starts = 0;
    const crashing = setup({
      actions: {
        boom: () => {
          starts++;
          throw new Error('strategy actor bug');
        },
      },
    }).createMachine({ initial: 'idle', states: { idle: { entry: 'boom' } } });
    const { clock, actor } = setupSymbol({ fetch: async (now) => market('none', now), strategyLogic: crashing as unknown as StrategyMachine });
    expect(starts).toBe(1);
    await clock.advanceBy(1_300); // first restart after 1 s (+ up to 20 % jitter)
    expect(starts).toBe(2);
    const restarted = actor.getSnapshot().context.records.filter((r) => r.kind === 'actor_restarted');
    expect(restarted[0]?.reason).toMatch(/restarting in 1\d{3} ms/);
    await clock.advanceBy(30_000);
    // 3 restarts allowed within 60 s; the 4th crash escalates: final state, output names the symbol.
    expect(starts).toBe(4);
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().output).toMatchObject({ symbol: 'BTCUSDT' });
    expect(actor.getSnapshot().output?.reason).toContain('more than 3 restarts within 60000 ms');
  });
});
