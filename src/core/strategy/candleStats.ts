import type { Candle } from '../../domain/types.ts';

/**
 * Price-only statistics over the tail of a candle list, for the degraded fallbacks (B1.3).
 * They never read volume: degraded data is exactly when volume may be zero or fake. They
 * are O(lookback) and only run on the degraded path, where no indicator state is kept.
 */

export interface PriceStats {
  readonly last: Candle;
  readonly first: Candle;
  readonly count: number;
  readonly high: number;
  readonly low: number;
  readonly meanClose: number;
  /** Population standard deviation of the closes. */
  readonly stdClose: number;
  /** Mean true range (high - low extended to the previous close). */
  readonly meanTrueRange: number;
}

/** The newest `count` candles (all of them when there are fewer). */
export function tail<T>(items: readonly T[], count: number): readonly T[] {
  return count >= items.length ? items : items.slice(items.length - Math.max(0, Math.floor(count)));
}

/** Stats over the last `lookback` candles, or null with fewer than 2 candles. */
export function priceStats(candles: readonly Candle[], lookback: number): PriceStats | null {
  const window = tail(candles, lookback);
  const first = window[0];
  const last = window[window.length - 1];
  if (first === undefined || last === undefined || window.length < 2) return null;
  let high = Number.NEGATIVE_INFINITY;
  let low = Number.POSITIVE_INFINITY;
  let sum = 0;
  let trSum = 0;
  let prevClose: number | null = null;
  for (const c of window) {
    high = Math.max(high, c.high);
    low = Math.min(low, c.low);
    sum += c.close;
    trSum += prevClose === null ? c.high - c.low : Math.max(c.high - c.low, Math.abs(c.high - prevClose), Math.abs(c.low - prevClose));
    prevClose = c.close;
  }
  const meanClose = sum / window.length;
  let squares = 0;
  for (const c of window) squares += (c.close - meanClose) ** 2;
  return { last, first, count: window.length, high, low, meanClose, stdClose: Math.sqrt(squares / window.length), meanTrueRange: trSum / window.length };
}

/** Mean close of the last `count` candles (null when there are fewer). */
export function meanCloseOf(candles: readonly Candle[], count: number): number | null {
  if (candles.length < count || count < 1) return null;
  let sum = 0;
  for (const c of tail(candles, count)) sum += c.close;
  return sum / count;
}
