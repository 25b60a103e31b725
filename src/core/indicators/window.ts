/**
 * Fixed-length windows for the rolling indicators. States are immutable, so a push copies
 * the window: O(period) per candle, independent of how much history came before. Sums are
 * recomputed from the window instead of kept as a running total, so 100 000 candles of
 * add/subtract rounding never drift the result.
 */

/** A period as a whole number >= 1. Params are validated by zod upstream; this keeps reducers total. */
export function safePeriod(period: number): number {
  return Number.isFinite(period) && period >= 1 ? Math.floor(period) : 1;
}

/** A copy of `window` with `value` appended, keeping only the newest `period` values. */
export function pushWindow(window: readonly number[], value: number, period: number): readonly number[] {
  const from = window.length >= period ? window.length - period + 1 : 0;
  const out = window.slice(from);
  out.push(value);
  return out;
}

export function windowSum(window: readonly number[]): number {
  let sum = 0;
  for (const v of window) sum += v;
  return sum;
}

export function windowMax(window: readonly number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of window) if (v > max) max = v;
  return max;
}

export function windowMin(window: readonly number[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const v of window) if (v < min) min = v;
  return min;
}

/** True when every value is a finite number (reducers skip inputs that are not). */
export function allFinite(...values: readonly number[]): boolean {
  for (const v of values) if (!Number.isFinite(v)) return false;
  return true;
}
