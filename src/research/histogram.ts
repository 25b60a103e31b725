import type { HistogramData } from '../backtest/report/svg.ts';

/** Equal-width bins over [min, max] of the finite values (one bin when they are all equal). */
export function histogram(values: ArrayLike<number>, bins: number, markers: HistogramData['markers'] = []): HistogramData {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo)) return { edges: [0, 1], counts: [0], markers };
  const n = hi > lo ? Math.max(1, bins) : 1;
  const width = hi > lo ? (hi - lo) / n : 1;
  const edges = Array.from({ length: n + 1 }, (_, i) => (hi > lo ? lo + i * width : lo - 0.5 + i));
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(n - 1, Math.max(0, Math.floor((v - edges[0]!) / width)))]!++;
  }
  return { edges, counts, markers };
}
