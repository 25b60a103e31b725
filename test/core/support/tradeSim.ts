import type { Candle } from '../../../src/domain/types.ts';
import type { AnyStrategyDefinition } from '../../../src/core/strategy/contract.ts';
import { advanceIndicators, evaluateSignal } from '../../../src/core/strategy/runner.ts';

/**
 * A deliberately simple replay: one position at a time, entered at the signal candle's
 * close, closed when a later candle touches the stop (checked first: pessimistic) or the
 * target. Enough to count trades per day and to see that stops and targets make sense.
 */
export interface ReplaySummary {
  readonly signals: number;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly longs: number;
  readonly shorts: number;
  readonly faults: number;
}

export function replayStrategy(def: AnyStrategyDefinition, params: unknown, candles: readonly Candle[], windowSize = 300): ReplaySummary {
  let state: unknown;
  let last: number | undefined;
  let open: { side: 'long' | 'short'; stop: number; target: number } | null = null;
  let signals = 0, trades = 0, wins = 0, losses = 0, longs = 0, shorts = 0, faults = 0;
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]!;
    if (open) {
      const hitStop = open.side === 'long' ? c.low <= open.stop : c.high >= open.stop;
      const hitTarget = open.side === 'long' ? c.high >= open.target : c.low <= open.target;
      if (hitStop) losses++;
      else if (hitTarget) wins++;
      if (hitStop || hitTarget) open = null;
    }
    const window = candles.slice(Math.max(0, i + 1 - windowSize), i + 1);
    const advanced = advanceIndicators(def, params, state, last, window);
    state = advanced.state;
    last = advanced.lastCandleStart;
    const signal = evaluateSignal({ definition: def, params, indicators: advanced.indicators, candles: window, degraded: false, strategyId: 'replay', symbol: 'TESTUSDT' });
    if (signal.fault) faults++;
    if (signal.action === 'none') continue;
    signals++;
    if (open) continue;
    trades++;
    if (signal.action === 'long') longs++;
    else shorts++;
    open = { side: signal.action, stop: signal.stopLoss, target: signal.takeProfit };
  }
  return { signals, trades, wins, losses, longs, shorts, faults };
}
