import type { Candle, Interval } from '../domain/types.ts';
import type { CandleColumns, FundingColumns, TimeRange } from './types.ts';

/**
 * Helpers over the columnar shapes of the store: a growable builder (CSV import and the
 * download fill it row by row without one object per candle), sorting, range slicing and
 * row access for code that wants a Candle.
 */

const FIELDS = ['start', 'open', 'high', 'low', 'close', 'volume', 'turnover'] as const;

/** Appends rows into doubling Float64Arrays; `build()` trims them to the row count. */
export class CandleColumnsBuilder {
  private cols: Float64Array[] = FIELDS.map(() => new Float64Array(1024));
  length = 0;

  push(start: number, open: number, high: number, low: number, close: number, volume: number, turnover: number): void {
    if (this.length === this.cols[0]!.length) this.cols = this.cols.map((c) => grow(c));
    const i = this.length++;
    const [s, o, h, l, c, v, t] = this.cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    s[i] = start;
    o[i] = open;
    h[i] = high;
    l[i] = low;
    c[i] = close;
    v[i] = volume;
    t[i] = turnover;
  }

  /** Open time of the last row pushed (-Infinity when empty). */
  last(): number {
    return this.length === 0 ? Number.NEGATIVE_INFINITY : this.cols[0]![this.length - 1]!;
  }

  pushCandle(c: Candle): void {
    this.push(c.start, c.open, c.high, c.low, c.close, c.volume, c.turnover);
  }

  build(symbol: string, interval: Interval): CandleColumns {
    const [start, open, high, low, close, volume, turnover] = this.cols.map((c) => c.slice(0, this.length)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    return { symbol, interval, length: this.length, start, open, high, low, close, volume, turnover };
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

export function candleAt(c: CandleColumns, i: number): Candle {
  return { start: c.start[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]!, turnover: c.turnover[i]! };
}

/** True when `start` is strictly increasing (the store's invariant). */
export function isStrictlyIncreasing(start: Float64Array): boolean {
  for (let i = 1; i < start.length; i++) if (!(start[i]! > start[i - 1]!)) return false;
  return true;
}

/** Sorted by start with one row per start: of rows with the same start, the later one in the input wins. */
export function uniqueByStart(c: CandleColumns): CandleColumns {
  if (isStrictlyIncreasing(c.start)) return c;
  const order = Array.from({ length: c.length }, (_, i) => i).sort((a, b) => c.start[a]! - c.start[b]! || a - b);
  const keep: number[] = [];
  for (const i of order) {
    if (keep.length > 0 && c.start[keep[keep.length - 1]!] === c.start[i]) keep[keep.length - 1] = i;
    else keep.push(i);
  }
  const pick = (col: Float64Array) => Float64Array.from(keep, (i) => col[i]!);
  return { ...c, length: keep.length, start: pick(c.start), open: pick(c.open), high: pick(c.high), low: pick(c.low), close: pick(c.close), volume: pick(c.volume), turnover: pick(c.turnover) };
}

/** First index whose value is >= t (binary search on an increasing column). */
export function lowerBound(values: Float64Array, t: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index bounds [first, end) of the rows whose time lies in the inclusive range. */
export function rangeBounds(time: Float64Array, range: TimeRange | undefined): [number, number] {
  const first = range?.from === undefined ? 0 : lowerBound(time, range.from);
  const end = range?.to === undefined ? time.length : lowerBound(time, Math.floor(range.to) + 1);
  return [first, Math.max(first, end)];
}

/**
 * The rows in the range. Views share the decoded buffers (zero-copy) when the range keeps
 * most of the rows; a small part of a big series is copied so the rest can be collected.
 */
export function sliceCandles(c: CandleColumns, range: TimeRange | undefined): CandleColumns {
  const [first, end] = rangeBounds(c.start, range);
  if (first === 0 && end === c.length) return c;
  const copy = (end - first) * 2 < c.length;
  const cut = (col: Float64Array) => (copy ? col.slice(first, end) : col.subarray(first, end));
  return { ...c, length: end - first, start: cut(c.start), open: cut(c.open), high: cut(c.high), low: cut(c.low), close: cut(c.close), volume: cut(c.volume), turnover: cut(c.turnover) };
}

export function sliceFunding(f: FundingColumns, range: TimeRange | undefined): FundingColumns {
  const [first, end] = rangeBounds(f.time, range);
  if (first === 0 && end === f.length) return f;
  return { ...f, length: end - first, time: f.time.slice(first, end), rate: f.rate.slice(first, end) };
}
