/**
 * Gaps of a stored series: candles missing between consecutive stored ones. The store keeps
 * strictly increasing open times on the interval's grid, so a gap is any step larger than
 * the interval. Counted as missing candles (what `list` shows) and listed as runs (`check`).
 */
export interface GapRun {
  /** Open time of the first missing candle. */
  readonly from: number;
  /** Open time of the last missing candle. */
  readonly to: number;
  readonly missing: number;
}

export function missingCandles(start: Float64Array, step: number): number {
  let missing = 0;
  for (let i = 1; i < start.length; i++) {
    const d = start[i]! - start[i - 1]!;
    if (d > step) missing += Math.round(d / step) - 1;
  }
  return missing;
}

/** The gap runs in time order, at most `limit` (their total is `missingCandles`). */
export function gapRuns(start: Float64Array, step: number, limit = Number.POSITIVE_INFINITY): GapRun[] {
  const runs: GapRun[] = [];
  for (let i = 1; i < start.length && runs.length < limit; i++) {
    const d = start[i]! - start[i - 1]!;
    if (d > step) runs.push({ from: start[i - 1]! + step, to: start[i]! - step, missing: Math.round(d / step) - 1 });
  }
  return runs;
}
