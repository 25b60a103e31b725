import type { Candle } from '../../domain/types.ts';

/** Rows a buffer keeps by default (the polled kline source reads at most this many at once). */
export const SERIES_BUFFER_ROWS = 64;

/**
 * The newest closed candles of one symbol x interval as the kline stream (or a REST read)
 * delivered them, oldest first, at most `capacity`: what the strategy actors of that series
 * read instead of asking REST for the candles their kernels have not seen yet.
 *
 * Only a contiguous run is kept: a row that does not follow the newest one (the stream
 * missed a confirm, or the exchange has a hole) restarts the run from it, so serving from
 * memory never invents a gap a REST read would not show; an actor whose kernel is not
 * covered by the run reads REST, as before. A REST read merges its rows in (the newer read
 * wins for the same start).
 */
export class SeriesBuffer {
  private rows: Candle[] = [];

  constructor(
    readonly stepMs: number,
    readonly capacity = SERIES_BUFFER_ROWS,
  ) {}

  /** Start of the newest row, or -Infinity. */
  newestStart(): number {
    const last = this.rows[this.rows.length - 1];
    return last ? last.start : Number.NEGATIVE_INFINITY;
  }

  size(): number {
    return this.rows.length;
  }

  /** Appends a closed row; true when it is new (a start not after the newest one is ignored). */
  add(candle: Candle): boolean {
    if (!Number.isFinite(candle.start)) return false;
    const newest = this.newestStart();
    if (!(candle.start > newest)) return false;
    if (this.rows.length > 0 && candle.start !== newest + this.stepMs) this.rows = [];
    this.rows.push(candle);
    if (this.rows.length > this.capacity) this.rows.splice(0, this.rows.length - this.capacity);
    return true;
  }

  /** Merges the closed rows of a REST read (oldest first): the newest contiguous run of both, capped. */
  merge(closed: readonly Candle[]): void {
    if (closed.length === 0) return;
    const byStart = new Map<number, Candle>();
    for (const row of this.rows) byStart.set(row.start, row);
    for (const row of closed) if (Number.isFinite(row.start)) byStart.set(row.start, row);
    const sorted = [...byStart.values()].sort((a, b) => a.start - b.start);
    let first = sorted.length - 1;
    while (first > 0 && sorted[first - 1]!.start === sorted[first]!.start - this.stepMs && sorted.length - first < this.capacity) first--;
    this.rows = sorted.slice(first);
  }

  /**
   * The rows after `since` when this run covers them (it holds `since`, or starts right
   * after it) and reaches `newestExpected`; null when it does not (then REST decides).
   */
  after(since: number, newestExpected: number): Candle[] | null {
    const n = this.rows.length;
    if (n === 0 || !Number.isFinite(since)) return null;
    if (this.rows[n - 1]!.start < newestExpected) return null;
    const first = this.rows[0]!.start;
    if (first > since + this.stepMs) return null;
    const out: Candle[] = [];
    for (let i = n - 1; i >= 0 && this.rows[i]!.start > since; i--) out.push(this.rows[i]!);
    return out.reverse();
  }
}
