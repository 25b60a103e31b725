import type { Candle } from '../../../src/domain/types.ts';
import type { AnyStrategyDefinition, IndicatorResult } from '../../../src/core/strategy/contract.ts';
import { foldState } from '../../../src/core/indicators/series.ts';
import { MIN, T0 } from '../support/series.ts';

/** Hand-built series for the strategies' happy paths: every number is chosen, nothing random. */

export function bar(start: number, open: number, close: number, wick = 0.05, volume = 100): Candle {
  return { start, open, high: Math.max(open, close) + wick, low: Math.min(open, close) - wick, close, volume, turnover: volume * close };
}

/** Closes following `path`, each candle opening at the previous close. */
export function fromCloses(path: readonly number[], opts: { start?: number; intervalMs?: number; wick?: number; volumes?: readonly number[] } = {}): Candle[] {
  const step = opts.intervalMs ?? 5 * MIN;
  const start = opts.start ?? T0;
  let prev = path[0] ?? 100;
  return path.map((close, i) => {
    const c = bar(start + i * step, prev, close, opts.wick ?? 0.05, opts.volumes?.[i] ?? 100);
    prev = close;
    return c;
  });
}

/** A sideways market: a zigzag of +-amplitude around `center` with the given period in candles. */
export function zigzag(count: number, center = 100, amplitude = 1, period = 12): number[] {
  return Array.from({ length: count }, (_, i) => {
    const phase = (i % period) / period;
    const tri = phase < 0.5 ? -1 + 4 * phase : 3 - 4 * phase;
    return center + amplitude * tri;
  });
}

/** Mirror image around `pivot`: ups become downs, so a long setup becomes a short one. */
export function mirror(candles: readonly Candle[], pivot = 200): Candle[] {
  return candles.map((c) => ({ ...c, open: pivot - c.open, close: pivot - c.close, high: pivot - c.low, low: pivot - c.high }));
}

export function indicatorsAfter(def: AnyStrategyDefinition, params: unknown, candles: readonly Candle[]): IndicatorResult | null {
  const state = foldState(def.initState(params), (s: unknown, c: Candle) => def.update(s, c, params), candles);
  return def.indicators(state, params);
}
