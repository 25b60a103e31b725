/**
 * Drawdown of an equity path: how far below its running peak it fell, and for how long.
 * A peak that is not positive cannot be fallen from in percent (a 0 account has nothing to
 * lose), so it gives 0 %; a fall below 0 is capped at 100 %.
 */
export interface DrawdownStats {
  readonly maxDrawdownPct: number;
  /** The deepest drawdown's peak-to-recovery time (to `end` when it never recovered). */
  readonly maxDrawdownDurationMs: number;
  readonly longestDrawdownMs: number;
}

/** Percent below a peak, capped at 100: equity below zero (losses beyond the account) is all of it lost. */
function pctBelow(peak: number, e: number): number {
  return peak > 0 ? Math.min(100, ((peak - e) / peak) * 100) : 0;
}

/** Percent below the running peak at each point. */
export function drawdownSeries(equity: Float64Array, length: number): Float64Array {
  const out = new Float64Array(length);
  let peak = -Infinity;
  for (let i = 0; i < length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    out[i] = pctBelow(peak, e);
  }
  return out;
}

export function drawdownStats(time: Float64Array, equity: Float64Array, length: number, end: number): DrawdownStats {
  let peak = -Infinity;
  let peakTime = 0;
  let maxPct = 0;
  let maxPeakTime = 0;
  let maxRecovered: number | null = null;
  let maxOpen = false;
  let longest = 0;
  let underwater = false;
  for (let i = 0; i < length; i++) {
    const e = equity[i]!;
    const t = time[i]!;
    if (e >= peak) {
      if (underwater) longest = Math.max(longest, t - peakTime);
      if (maxOpen && maxPeakTime === peakTime) {
        maxRecovered = t;
        maxOpen = false;
      }
      underwater = false;
      peak = e;
      peakTime = t;
      continue;
    }
    underwater = true;
    const pct = pctBelow(peak, e);
    if (pct > maxPct) {
      maxPct = pct;
      maxPeakTime = peakTime;
      maxRecovered = null;
      maxOpen = true;
    }
  }
  if (underwater) longest = Math.max(longest, end - peakTime);
  const maxDuration = maxPct > 0 ? (maxRecovered ?? end) - maxPeakTime : 0;
  return { maxDrawdownPct: maxPct, maxDrawdownDurationMs: Math.max(0, maxDuration), longestDrawdownMs: Math.max(0, longest) };
}
