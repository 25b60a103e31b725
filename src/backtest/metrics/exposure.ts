import type { EquityPath } from './path.ts';

/**
 * Share of [from, to] with a position open, 0..100. The account's exposure is read from the
 * marks: the exposure of a mark holds until the next mark.
 */
export function pathExposurePct(path: EquityPath, from: number, to: number): number {
  const span = to - from;
  if (!(span > 0)) return 0;
  let open = 0;
  for (let i = 0; i + 1 < path.length; i++) {
    if (path.exposure[i]! > 0) open += Math.max(0, Math.min(to, path.time[i + 1]!) - Math.max(from, path.time[i]!));
  }
  return Math.min(100, (open / span) * 100);
}

/** A row's exposure: the union of its trades' [entry, exit] intervals, clipped to [from, to]. */
export function tradeExposurePct(trades: readonly { readonly entryTime: number; readonly exitTime: number }[], from: number, to: number): number {
  const span = to - from;
  if (!(span > 0) || trades.length === 0) return 0;
  const spans = trades
    .map((t) => [Math.max(from, t.entryTime), Math.min(to, t.exitTime)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let open = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const [a, b] of spans) {
    if (a > curEnd) {
      if (curEnd > curStart) open += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else if (b > curEnd) {
      curEnd = b;
    }
  }
  if (curEnd > curStart) open += curEnd - curStart;
  return Math.min(100, (open / span) * 100);
}
