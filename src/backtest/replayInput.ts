import type { Clock } from '../ports/clock.ts';
import type { buildSystemInput } from '../runtime/systemInput.ts';

type SystemInput = ReturnType<typeof buildSystemInput>;
import { createReplayExchange, type ReplayExchange } from '../sim/index.ts';
import type { BacktestInput } from './input.ts';

/**
 * The simulator replaying a backtest input's candles (stored history or the seeded
 * synthetic market) with the core bar-level fill model: the one replay market of
 * `npm run backtest -- --engine actors`, `npm start` with `simulator.history` or on the
 * lock-step clock, and `npm run exchange-sim -- --history`.
 */
export function createReplayFromInput(input: BacktestInput, clock: Clock): ReplayExchange {
  const { config } = input;
  return createReplayExchange({
    clock,
    seed: config.simulator.seed,
    symbols: new Map([...input.data].map(([symbol, d]) => [symbol, { instrument: d.instrument, series: d.series, funding: d.funding }])),
    initialBalance: config.simulator.initialBalance,
    takerFeeRate: config.simulator.takerFeeRate,
    makerFeeRate: config.simulator.makerFeeRate,
    slippageBps: config.simulator.slippageBps,
    faults: config.simulator.faults,
  });
}

/** Actor id -> its place in actor order (symbols in config order, then presets): the admission gate's order. */
export function actorOrderOf(system: SystemInput): Map<string, number> {
  return new Map(system.symbols.flatMap((s) => s.children).map((c, i) => [c.actorId, i] as const));
}
