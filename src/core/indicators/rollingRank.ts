import { safePeriod } from './window.ts';

/**
 * Percentile rank of the newest value among the last `period` values (itself included), in
 * 0..100: 100 x (values below it + half the values equal to it) / count, the mid-rank
 * definition, so a constant window reads 50 and the window's maximum reads just below 100.
 * Kept incrementally: a ring of the values in arrival order (what to evict) and the same
 * values sorted in a second Float64Array; each push evicts the oldest by binary search and
 * inserts the newest the same way (copyWithin moves the tail: a native memmove of at most
 * `period` doubles). O(log period) comparisons, no allocation after construction.
 */
export class RollingRank {
  readonly period: number;
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private next = 0;
  private count = 0;
  /** The value the next `push()` appends (finite: callers skip the others). */
  input = Number.NaN;
  /** Rank of the newest value, 0..100; NaN before the first push. */
  percentile = Number.NaN;

  constructor(period: number) {
    this.period = safePeriod(period);
    this.ring = new Float64Array(this.period);
    this.sorted = new Float64Array(this.period);
  }

  get ready(): boolean {
    return this.count === this.period;
  }

  get capacity(): number {
    return this.ring.length;
  }

  push(): void {
    const x = this.input;
    const sorted = this.sorted;
    if (this.count === this.period) {
      const old = this.ring[this.next]!;
      const at = lowerBound(sorted, this.count, old);
      sorted.copyWithin(at, at + 1, this.count);
      this.count--;
    }
    const at = lowerBound(sorted, this.count, x);
    sorted.copyWithin(at + 1, at, this.count);
    sorted[at] = x;
    this.count++;
    this.ring[this.next] = x;
    this.next = this.next + 1 === this.period ? 0 : this.next + 1;
    const equalEnd = upperBound(sorted, this.count, x);
    this.percentile = (100 * (at + 0.5 * (equalEnd - at))) / this.count;
  }

  clear(): void {
    this.count = 0;
    this.next = 0;
    this.percentile = Number.NaN;
  }
}

/** First index in sorted[0, n) whose value is not below x. */
function lowerBound(sorted: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in sorted[0, n) whose value is above x. */
function upperBound(sorted: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
