import type { Candle } from '../../domain/types.ts';
import { OK_VERDICT, rowProblemOf, validateCandles, verdictOf, type QualityReason, type ValidateOptions, type WindowVerdict } from './validate.ts';

/**
 * Incremental data-quality check over the last `capacity` rows received (the window an
 * actor used to re-read every iteration). Each appended row is checked in O(1): its own
 * values (finite, non-negative, OHLC consistent), its start against the previous valid row
 * (continuity, duplicate, out of order); the window's facts (rows dropped, gaps, flat rows,
 * zero-volume rows, newest start) are running counters updated as rows enter and leave.
 * `verdict` then calls the very `verdictOf` that `validateCandles` uses, so the two agree on
 * every reason, severity and sentence (test/core/data/windowValidator.test.ts compares them
 * over random windows).
 *
 * Rows that repeat or go back in time (duplicates, out of order) cannot come from the
 * history store, only from a misbehaving feed; while one is inside the window the verdict
 * is computed by `validateCandles` over the window itself (O(window), rare by nature).
 *
 * Allocation-free while the window is clean: the OK verdict is a shared constant.
 */

const VALID = 1;
const FLAT = 2;
const ZERO_VOLUME = 4;
const IRREGULAR = 8;
const GAP_AFTER = 16;

const PROBLEMS: readonly QualityReason[] = ['NON_FINITE', 'NEGATIVE', 'OHLC_INCONSISTENT'];
const NO_REASONS: readonly QualityReason[] = [];

/**
 * The sliding maximum of the window's finite starts: a double-ended queue of (absolute row
 * index, start) pairs whose starts decrease from the head. Starts normally increase, so it
 * holds one pair; it grows by doubling (up to the window's size) only when a feed sends rows
 * that go back in time. A fixed array of the window's size cost 16 bytes per row per actor.
 */
class SlidingMax {
  private indices = new Float64Array(4);
  private values = new Float64Array(4);
  private head = 0;
  private count = 0;

  size(): number {
    return this.count;
  }
  firstValue(): number {
    return this.values[this.head]!;
  }
  /** Drops the pairs whose index is below `index` (they left the window). */
  dropBefore(index: number): void {
    const n = this.indices.length;
    while (this.count > 0 && this.indices[this.head]! < index) {
      if (++this.head === n) this.head = 0;
      this.count--;
    }
  }
  /** Adds a row, first dropping the pairs at the tail that it dominates. */
  push(index: number, value: number): void {
    // Ring positions wrap by a subtraction, not a remainder (this runs for every row of every kernel).
    let n = this.indices.length;
    while (this.count > 0) {
      let last = this.head + this.count - 1;
      if (last >= n) last -= n;
      if (this.values[last]! > value) break;
      this.count--;
    }
    if (this.count === n) {
      this.grow();
      n = this.indices.length;
    }
    let tail = this.head + this.count;
    if (tail >= n) tail -= n;
    this.indices[tail] = index;
    this.values[tail] = value;
    this.count++;
  }
  private grow(): void {
    const n = this.indices.length;
    const indices = new Float64Array(n * 2);
    const values = new Float64Array(n * 2);
    for (let i = 0; i < this.count; i++) {
      const at = (this.head + i) % n;
      indices[i] = this.indices[at]!;
      values[i] = this.values[at]!;
    }
    this.indices = indices;
    this.values = values;
    this.head = 0;
  }
}

export class WindowValidator {
  readonly capacity: number;
  /** Raw rows of the window, ring-indexed by absolute row index % capacity. */
  readonly start: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly turnover: Float64Array;
  private readonly flags: Uint8Array;
  private readonly problem: Uint8Array;
  /** Sliding maximum of finite starts, for the newest start the staleness check reads. */
  private readonly newest = new SlidingMax();
  /** Rows received since creation. */
  count = 0;
  /** Ring slot the next row goes to (count % capacity, kept without a modulo). */
  private slot = 0;
  private dropped = 0;
  private valid = 0;
  private flat = 0;
  private zeroVolume = 0;
  private irregular = 0;
  private gaps = 0;
  private lastValidIndex = -1;
  private lastValidStart = Number.NaN;
  private maxValidStart = Number.NEGATIVE_INFINITY;

  constructor(
    capacity: number,
    readonly intervalMs: number,
  ) {
    this.capacity = Math.max(1, Math.floor(capacity));
    const n = this.capacity;
    this.start = new Float64Array(n);
    this.open = new Float64Array(n);
    this.high = new Float64Array(n);
    this.low = new Float64Array(n);
    this.close = new Float64Array(n);
    this.volume = new Float64Array(n);
    this.turnover = new Float64Array(n);
    this.flags = new Uint8Array(n);
    this.problem = new Uint8Array(n);
  }

  /** Index of the oldest row in the window. */
  windowStart(): number {
    return Math.max(0, this.count - this.capacity);
  }

  /** Rows in the window. */
  size(): number {
    return Math.min(this.count, this.capacity);
  }

  /** True when row `index` (absolute, in the window) is valid. */
  isValid(index: number): boolean {
    return (this.flags[index % this.capacity]! & VALID) !== 0;
  }

  /** Appends one row; returns its problem (null for a valid row, also when it repeats or goes back in time). */
  push(start: number, open: number, high: number, low: number, close: number, volume: number, turnover: number): QualityReason | null {
    const cap = this.capacity;
    const index = this.count;
    const slot = this.slot;
    if (index >= cap) this.evict(slot);
    this.slot = slot + 1 === cap ? 0 : slot + 1;
    this.start[slot] = start;
    this.open[slot] = open;
    this.high[slot] = high;
    this.low[slot] = low;
    this.close[slot] = close;
    this.volume[slot] = volume;
    this.turnover[slot] = turnover;
    const windowFirst = index + 1 - cap;
    this.newest.dropBefore(windowFirst);
    if (start === start && start !== Infinity && start !== -Infinity) this.newest.push(index, start);
    const problem = rowProblemOf(start, open, high, low, close, volume, turnover);
    this.count = index + 1;
    if (problem !== null) {
      const kind = PROBLEMS.indexOf(problem);
      this.problem[slot] = kind + 1;
      this.flags[slot] = 0;
      this.dropped++;
      return problem;
    }
    this.problem[slot] = 0;
    let flags = VALID;
    if (open === close && high === low) flags |= FLAT;
    if (volume === 0) flags |= ZERO_VOLUME;
    if (this.lastValidIndex >= 0 && start <= this.maxValidStart) flags |= IRREGULAR;
    if (this.lastValidIndex >= windowFirst && this.lastValidIndex >= 0 && start - this.lastValidStart !== this.intervalMs) {
      this.flags[this.lastValidIndex % cap]! |= GAP_AFTER;
      this.gaps++;
    }
    this.flags[slot] = flags;
    this.valid++;
    if (flags & FLAT) this.flat++;
    if (flags & ZERO_VOLUME) this.zeroVolume++;
    if (flags & IRREGULAR) this.irregular++;
    this.lastValidIndex = index;
    this.lastValidStart = start;
    if (start > this.maxValidStart) this.maxValidStart = start;
    return null;
  }

  private evict(slot: number): void {
    const flags = this.flags[slot]!;
    if (flags & VALID) {
      this.valid--;
      if (flags & FLAT) this.flat--;
      if (flags & ZERO_VOLUME) this.zeroVolume--;
      if (flags & IRREGULAR) this.irregular--;
      if (flags & GAP_AFTER) this.gaps--;
    } else {
      this.dropped--;
    }
  }

  /** True while a duplicate or out-of-order row is inside the window (the verdict then scans the window). */
  hasIrregularRows(): boolean {
    return this.irregular > 0;
  }

  /** The verdict on the current window, exactly as validateCandles would give it. */
  verdict(options: ValidateOptions): WindowVerdict {
    if (this.irregular > 0) {
      const result = validateCandles(this.rows(), options);
      if (result.ok) return OK_VERDICT;
      const { candles: _candles, ...verdict } = result;
      return verdict;
    }
    const newestStart = this.newest.size() > 0 ? this.newest.firstValue() : Number.NEGATIVE_INFINITY;
    // The common case, decided without building the facts: exactly verdictOf's path to OK
    // (rows present, fresh, no invalid row, no gap, not all flat, some volume, long enough).
    if (
      this.dropped === 0 &&
      this.gaps === 0 &&
      this.valid > 0 &&
      this.valid >= options.minCandles &&
      this.flat < this.valid &&
      this.zeroVolume < this.valid &&
      !(options.now - (newestStart + options.intervalMs) > options.maxStalenessMs)
    ) {
      return OK_VERDICT;
    }
    let reasons = NO_REASONS;
    if (this.dropped > 0 || this.gaps > 0) {
      const present = this.problemsInOrder();
      reasons = this.gaps > 0 ? [...present, 'GAP'] : present;
    }
    return verdictOf(
      { rows: this.size(), newestStart, reasons, dropped: this.dropped, repaired: this.valid, gaps: this.gaps, flat: this.flat, zeroVolume: this.zeroVolume },
      options,
    );
  }

  /**
   * The kinds of invalid row in the window, in the order of their first row: a scan of the
   * window's problem bytes, only on the degraded path (a queue of indices per kind cost 24
   * bytes per row per actor to spare this scan).
   */
  private problemsInOrder(): QualityReason[] {
    const present: QualityReason[] = [];
    for (let i = this.windowStart(); i < this.count && present.length < PROBLEMS.length; i++) {
      const kind = this.problem[i % this.capacity]!;
      if (kind === 0) continue;
      const reason = PROBLEMS[kind - 1]!;
      if (!present.includes(reason)) present.push(reason);
    }
    return present;
  }

  /** Every row of the window as received, oldest first (allocates; for the rare paths). */
  rows(): Candle[] {
    const out: Candle[] = [];
    for (let i = this.windowStart(); i < this.count; i++) out.push(this.candleAt(i));
    return out;
  }

  /** The repaired window, what a degraded strategy's fallback runs on: valid rows sorted, duplicates removed (allocates). */
  repaired(options: ValidateOptions): Candle[] {
    if (this.irregular > 0) return [...validateCandles(this.rows(), { ...options, maxStalenessMs: Number.POSITIVE_INFINITY, minCandles: 0 }).candles];
    const out: Candle[] = [];
    for (let i = this.windowStart(); i < this.count; i++) if (this.isValid(i)) out.push(this.candleAt(i));
    return out;
  }

  candleAt(index: number): Candle {
    const s = index % this.capacity;
    return { start: this.start[s]!, open: this.open[s]!, high: this.high[s]!, low: this.low[s]!, close: this.close[s]!, volume: this.volume[s]!, turnover: this.turnover[s]! };
  }
}
