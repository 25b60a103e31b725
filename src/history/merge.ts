import { CandleColumnsBuilder } from './columns.ts';
import type { CandleColumns, FundingColumns } from './types.ts';

/**
 * Merging new rows into a stored series, by candle open time. The rule for a conflict (the
 * same open time with different values) is "the newest import wins": the incoming row
 * replaces the stored one, and the report counts it as changed. Rows equal in every field
 * (NaN equals NaN) count as unchanged, so re-importing the same file changes nothing.
 */
export interface MergeReport {
  readonly added: number;
  readonly changed: number;
  readonly unchanged: number;
}

const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

function rowEqual(a: CandleColumns, i: number, b: CandleColumns, j: number): boolean {
  return (
    same(a.open[i]!, b.open[j]!) &&
    same(a.high[i]!, b.high[j]!) &&
    same(a.low[i]!, b.low[j]!) &&
    same(a.close[i]!, b.close[j]!) &&
    same(a.volume[i]!, b.volume[j]!) &&
    same(a.turnover[i]!, b.turnover[j]!)
  );
}

/** Both inputs sorted by start with unique starts; so is the result. */
export function mergeCandles(stored: CandleColumns | null, incoming: CandleColumns): { merged: CandleColumns; report: MergeReport } {
  if (!stored || stored.length === 0) return { merged: incoming, report: { added: incoming.length, changed: 0, unchanged: 0 } };
  const out = new CandleColumnsBuilder();
  let added = 0;
  let changed = 0;
  let unchanged = 0;
  let i = 0;
  let j = 0;
  const take = (c: CandleColumns, k: number) => out.push(c.start[k]!, c.open[k]!, c.high[k]!, c.low[k]!, c.close[k]!, c.volume[k]!, c.turnover[k]!);
  while (i < stored.length || j < incoming.length) {
    const a = i < stored.length ? stored.start[i]! : Number.POSITIVE_INFINITY;
    const b = j < incoming.length ? incoming.start[j]! : Number.POSITIVE_INFINITY;
    if (a < b) {
      take(stored, i++);
    } else if (b < a) {
      take(incoming, j++);
      added++;
    } else {
      if (rowEqual(stored, i, incoming, j)) unchanged++;
      else changed++;
      take(incoming, j++);
      i++;
    }
  }
  return { merged: out.build(incoming.symbol, incoming.interval), report: { added, changed, unchanged } };
}

/** Funding by settlement time, same rule: the newest download wins. */
export function mergeFunding(stored: FundingColumns | null, incoming: FundingColumns): { merged: FundingColumns; report: MergeReport } {
  if (!stored || stored.length === 0) return { merged: incoming, report: { added: incoming.length, changed: 0, unchanged: 0 } };
  const byTime = new Map<number, number>();
  for (let k = 0; k < stored.length; k++) byTime.set(stored.time[k]!, stored.rate[k]!);
  let added = 0;
  let changed = 0;
  let unchanged = 0;
  for (let k = 0; k < incoming.length; k++) {
    const t = incoming.time[k]!;
    const old = byTime.get(t);
    if (old === undefined) added++;
    else if (same(old, incoming.rate[k]!)) unchanged++;
    else changed++;
    byTime.set(t, incoming.rate[k]!);
  }
  const times = [...byTime.keys()].sort((x, y) => x - y);
  return {
    merged: { symbol: incoming.symbol, length: times.length, time: Float64Array.from(times), rate: Float64Array.from(times, (t) => byTime.get(t)!) },
    report: { added, changed, unchanged },
  };
}
