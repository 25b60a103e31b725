import { createActor, fromPromise, type Actor, type InspectionEvent } from 'xstate';
import { ManualClock, flushAsync } from '../../src/clock/manualClock.ts';
import { getStrategy } from '../../src/core/strategy/registry.ts';
import type { AnyStrategyDefinition } from '../../src/core/strategy/contract.ts';
import { createStrategyMachine } from '../../machines/strategy.machine.ts';
import type { EntryOrder, MarketSnapshot, PlacedOrder, StrategyActorInput } from '../../machines/strategy.types.ts';
import { promiseMarketSource } from '../../src/runtime/market/promiseMarketSource.ts';
import { testStrategy } from './testStrategy.ts';

export const T0 = Date.UTC(2026, 0, 5, 12, 0, 30);

export const actorInput: StrategyActorInput = {
  actorId: 'BTCUSDT:test',
  symbol: 'BTCUSDT',
  presetId: 'test',
  strategyType: 'test',
  params: { interval: '1', historyCandles: 30 },
  cooldownMs: 30_000,
  maxStalenessMs: 300_000,
  breaker: { failureThreshold: 3, openMs: 300_000 },
  risk: {
    riskPerTradePct: 1,
    minRewardRisk: 1.5,
    maxLeverage: 5,
    maxPositionPct: 100,
    maxTotalExposurePct: 250,
    maxOpenPositions: 3,
    dailyLossLimitPct: 5,
    minScore: 0.1,
  },
};

export const resolveStrategy = (type: string): AnyStrategyDefinition | undefined =>
  type === 'test' ? (testStrategy as unknown as AnyStrategyDefinition) : getStrategy(type);

/** A promise the test settles by hand: the I/O actor waits on it. */
interface Pending<T> {
  readonly input: unknown;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * The real strategy machine with controllable I/O actors and a ManualClock: the test
 * decides when and how each fetch and order call ends, and when time passes.
 */
export function createStrategyHarness(input: StrategyActorInput = actorInput) {
  const clock = new ManualClock(T0);
  const fetches: Pending<MarketSnapshot>[] = [];
  const entries: Pending<PlacedOrder>[] = [];
  const placed: EntryOrder[] = [];
  const inspections: InspectionEvent[] = [];
  const market = promiseMarketSource((fetchInput) => new Promise<MarketSnapshot>((resolve, reject) => fetches.push({ input: fetchInput, resolve, reject })));
  const machine = createStrategyMachine({ now: () => clock.now(), resolveStrategy, market }).provide({
    actors: {
      placeEntry: fromPromise<PlacedOrder, EntryOrder>(({ input: entry }) => {
        placed.push(entry);
        return new Promise((resolve, reject) => entries.push({ input: entry, resolve, reject }));
      }),
    },
  });
  const actor: Actor<typeof machine> = createActor(machine, { input, clock, inspect: (e) => inspections.push(e) });
  actor.start();
  const take = <T>(queue: Pending<T>[], what: string): Pending<T> => {
    const next = queue.shift();
    if (!next) throw new Error(`no pending ${what} call`);
    return next;
  };
  return {
    clock,
    actor,
    machine,
    placed,
    inspections,
    fetches,
    entries,
    async resolveFetch(snapshot: MarketSnapshot) {
      take(fetches, 'market').resolve(snapshot);
      await flushAsync();
    },
    async rejectFetch(error: unknown) {
      take(fetches, 'market').reject(error);
      await flushAsync();
    },
    async resolveEntry(result: PlacedOrder) {
      take(entries, 'placeEntry').resolve(result);
      await flushAsync();
    },
    async rejectEntry(error: unknown) {
      take(entries, 'placeEntry').reject(error);
      await flushAsync();
    },
    state: () => actor.getSnapshot().value as string,
    context: () => actor.getSnapshot().context,
  };
}

export type StrategyHarness = ReturnType<typeof createStrategyHarness>;
