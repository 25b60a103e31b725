import { intervalMs } from '../src/domain/types.ts';
import type { StrategyActorInput } from '../machines/strategy.types.ts';

/** ms from `now` to the next candle close of `stepMs` plus `offsetMs` (candles are epoch-aligned), strictly after now. */
export function nextTickDelay(now: number, stepMs: number, offsetMs: number): number {
  return Math.floor((now - offsetMs) / stepMs) * stepMs + stepMs + offsetMs - now;
}

/** The distinct candle intervals (ms) a symbol's strategy actors use, ascending: one tick timer each. */
export function intervalsOf(context: { readonly specs: Readonly<Record<string, StrategyActorInput>> }): number[] {
  return [...new Set(Object.values(context.specs).map((s) => intervalMs(s.params.interval)))].sort((a, b) => a - b);
}
