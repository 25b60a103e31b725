import type { EquityPoint } from '../types.ts';
import type { EquityPath } from './path.ts';
import { iso } from './time.ts';

/** At most this many points of equity curve go into the JSON and the report. */
export const MAX_CURVE_POINTS = 5_000;

/**
 * The equity curve sampled for the JSON and the report. Up to `max` points it is the full
 * curve. Beyond, it is cut into buckets of consecutive marks and each bucket keeps its
 * highest equity, its lowest equity and its deepest drawdown (plus the first and last
 * mark), so no peak, trough or drawdown is hidden by sampling: the deepest drawdown of the
 * sampled curve equals the full curve's. Times are strictly increasing (of marks sharing a
 * time, the last is kept).
 */
export function sampleEquityCurve(path: EquityPath, drawdown: Float64Array, max = MAX_CURVE_POINTS): EquityPoint[] {
  const n = path.length;
  const keep: number[] = [];
  if (n <= max) {
    for (let i = 0; i < n; i++) keep.push(i);
  } else {
    const buckets = Math.max(1, Math.floor((max - 2) / 3));
    const size = (n - 2) / buckets;
    keep.push(0);
    for (let b = 0; b < buckets; b++) {
      const lo = 1 + Math.floor(b * size);
      const hi = Math.min(n - 1, 1 + Math.floor((b + 1) * size));
      if (hi <= lo) continue;
      let iMax = lo;
      let iMin = lo;
      let iDd = lo;
      for (let i = lo + 1; i < hi; i++) {
        if (path.equity[i]! > path.equity[iMax]!) iMax = i;
        if (path.equity[i]! < path.equity[iMin]!) iMin = i;
        if (drawdown[i]! > drawdown[iDd]!) iDd = i;
      }
      keep.push(...[iMax, iMin, iDd].sort((a, b2) => a - b2));
    }
    keep.push(n - 1);
  }
  const out: EquityPoint[] = [];
  let last = -1;
  for (const i of keep) {
    if (i === last) continue;
    // Marks at the same time (e.g. the engine's last mark at `to` and the end point): keep the later.
    if (last >= 0 && path.time[i] === path.time[last]) out.pop();
    last = i;
    out.push({ time: iso(path.time[i]!), equity: path.equity[i]!, drawdownPct: drawdown[i]! });
  }
  return out;
}
