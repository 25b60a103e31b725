/**
 * Factor helpers: every strategy turns raw indicator readings into three factors in [0, 1]
 * with these ramps, so "soft" filters mean the same thing everywhere: a weak reading lowers
 * a factor (and so the score and the position size) instead of vetoing the trade.
 */

/** 0 at or below `from`, 1 at or above `to`, linear between (to > from). */
export function rampUp(x: number, from: number, to: number): number {
  if (!Number.isFinite(x)) return 0;
  if (to <= from) return x >= to ? 1 : 0;
  return Math.min(1, Math.max(0, (x - from) / (to - from)));
}

/** 1 at or below `full`, 0 at or above `zero`, linear between (zero > full). */
export function rampDown(x: number, full: number, zero: number): number {
  if (!Number.isFinite(x)) return 0;
  if (zero <= full) return x <= full ? 1 : 0;
  return Math.min(1, Math.max(0, (zero - x) / (zero - full)));
}

/**
 * Where the close sits in the candle, read for the trade's side: 1 when a long's candle
 * closes at its high (buyers took it back) or a short's at its low; 0.5 for a doji.
 */
export function closeLocation(side: 'long' | 'short', high: number, low: number, close: number): number {
  const range = high - low;
  if (!(range > 0)) return 0.5;
  const fromLow = Math.min(1, Math.max(0, (close - low) / range));
  return side === 'long' ? fromLow : 1 - fromLow;
}

/** Weighted mean of components, each clamped to [0, 1] (weights need not sum to 1). */
export function blend(parts: readonly (readonly [value: number, weight: number])[]): number {
  let sum = 0;
  let weights = 0;
  for (const [value, weight] of parts) {
    sum += (Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0) * weight;
    weights += weight;
  }
  return weights > 0 ? sum / weights : 0;
}
