import { createStrategyMachine } from '../../machines/strategy.machine.ts';
import type { MarketSource, StrategyMachineDeps } from '../../machines/strategy.types.ts';
import { createSymbolSupervisor } from '../../supervisors/symbol.supervisor.ts';
import { createSystemSupervisor } from '../../supervisors/system.supervisor.ts';
import type { InspectionEvent } from 'xstate';
import type { Random } from '../core/rng.ts';
import { createAccountWatch, createCancelOpenOrders, createDrainOrders, createPlaceEntry, type IoActorDeps } from './ioActors.ts';

export interface ActorTreeOptions {
  readonly now: () => number;
  readonly random: Random;
  readonly resolveStrategy: StrategyMachineDeps['resolveStrategy'];
  /** Where the strategy actors' `fetching` state asks for its market (the market hub). */
  readonly market: MarketSource;
  /** Explain every decision for /actors (default true; see RuntimeOptions.explainDecisions). */
  readonly explain?: boolean;
  /** Counted when a symbol's fallback timer had to start its cycles (no kline confirm). */
  readonly onFallbackTick: (symbol: string) => void;
  /** The kline stream's newest confirmed close of a series (the market hub's streamConfirmed). */
  readonly streamConfirmed?: (symbol: string, intervalMs: number) => number;
}

/**
 * The machine logic of the whole supervision tree (strategy actors under symbol
 * supervisors under the system supervisor), with the I/O actors provided: the one place
 * where the machines meet the ports. The Runtime creates the root actor from it.
 */
export function createSystemLogic(io: IoActorDeps, o: ActorTreeOptions) {
  const strategyLogic = createStrategyMachine({ now: o.now, resolveStrategy: o.resolveStrategy, market: o.market, ...(o.explain === undefined ? {} : { explain: o.explain }) }).provide({
    actors: { placeEntry: createPlaceEntry(io) },
  });
  const symbolLogic = createSymbolSupervisor({ now: o.now, random: o.random, strategyLogic, onFallbackTick: o.onFallbackTick, ...(o.streamConfirmed ? { streamConfirmed: o.streamConfirmed } : {}) });
  return createSystemSupervisor({ now: o.now, symbolLogic }).provide({
    actors: {
      accountWatch: createAccountWatch(io),
      cancelOpenOrders: createCancelOpenOrders(io),
      drainOrders: createDrainOrders(io),
    },
  });
}

/** The root's inspector: the observer (registry, metrics, logs), then the journal's tap of signals when there is a journal. */
export function treeInspector(observer: { inspect(event: InspectionEvent): void }, tap?: (event: InspectionEvent) => void): (event: InspectionEvent) => void {
  return tap
    ? (event) => {
        observer.inspect(event);
        tap(event);
      }
    : (event) => observer.inspect(event);
}
