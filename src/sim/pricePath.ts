import type { Candle } from '../domain/types.ts';
import { roundToStep } from '../core/steps.ts';

export const MINUTE_MS = 60_000;

/** One generated 1-minute bar: a Candle of the 1-minute interval. */
export type MinuteBar = Candle;

/**
 * The price path inside a minute, so "the current price" and partial candles are defined
 * at any millisecond: open at 0 s, the first extreme at 20 s, the second at 40 s, close at
 * 60 s, linear in between. A rising bar dips to its low first, a falling one peaks first.
 * The matching engine walks the same path, so fills and candles always agree.
 */
export const PATH_OFFSETS = [0, 20_000, 40_000, MINUTE_MS] as const;

export function pathPoints(bar: MinuteBar): readonly [number, number, number, number] {
  return bar.close >= bar.open ? [bar.open, bar.low, bar.high, bar.close] : [bar.open, bar.high, bar.low, bar.close];
}

/** Price at `offsetMs` (0..60000) into the bar, on the tick grid. */
export function pathPrice(bar: MinuteBar, offsetMs: number, tickSize: number): number {
  const points = pathPoints(bar);
  const t = Math.min(MINUTE_MS, Math.max(0, offsetMs));
  for (let i = 1; i < PATH_OFFSETS.length; i++) {
    const a = PATH_OFFSETS[i - 1]!;
    const b = PATH_OFFSETS[i]!;
    if (t <= b) {
      const pa = points[i - 1]!;
      const pb = points[i]!;
      return roundToStep(pa + ((pb - pa) * (t - a)) / (b - a), tickSize);
    }
  }
  return bar.close;
}

/** High and low of the path between two offsets (inclusive). */
export function pathRange(bar: MinuteBar, fromMs: number, toMs: number, tickSize: number): { high: number; low: number } {
  const points = pathPoints(bar);
  let high = Math.max(pathPrice(bar, fromMs, tickSize), pathPrice(bar, toMs, tickSize));
  let low = Math.min(pathPrice(bar, fromMs, tickSize), pathPrice(bar, toMs, tickSize));
  for (let i = 1; i < PATH_OFFSETS.length - 1; i++) {
    const at = PATH_OFFSETS[i]!;
    if (at > fromMs && at < toMs) {
      high = Math.max(high, points[i]!);
      low = Math.min(low, points[i]!);
    }
  }
  return { high, low };
}
