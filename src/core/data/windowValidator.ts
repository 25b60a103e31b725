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

/** The value array of a queue that keeps indices only (shared, never written). */
const NO_VALUES = new Float64Array(0);

/**
 * A double-ended queue of absolute row indices (increasing), each with a value (the row's
 * start, for the sliding maximum), at most `capacity` alive; ring positions wrap without a
 * modulo. Keeping the value beside the index spares a `%` on a double index per row (a
 * floating-point remainder, one of the validator's top costs in the fast engine's profile).
 */
class IndexQueue {
  private readonly items: Float64Array;
  private readonly values: Float64Array;
  private head = 0;
  private tail = 0;
  private count = 0;
  /** `withValues` false: indices only (the problem-row queues), no second array per queue (memory of 2,000 actors' validators). */
  constructor(capacity: number, withValues: boolean) {
    this.items = new Float64Array(capacity + 1);
    this.values = withValues ? new Float64Array(capacity + 1) : NO_VALUES;
  }
  push(index: number, value = 0): void {
    this.items[this.tail] = index;
    if (this.values !== NO_VALUES) this.values[this.tail] = value;
    if (++this.tail === this.items.length) this.tail = 0;
    this.count++;
  }
  first(): number {
    return this.items[this.head]!;
  }
  firstValue(): number {
    return this.values[this.head]!;
  }
  lastValue(): number {
    return this.values[this.tail === 0 ? this.values.length - 1 : this.tail - 1]!;
  }
  popLast(): void {
    this.tail = this.tail === 0 ? this.items.length - 1 : this.tail - 1;
    this.count--;
  }
  size(): number {
    return this.count;
  }
  dropBefore(index: number): void {
    while (this.count > 0 && this.items[this.head]! < index) {
      if (++this.head === this.items.length) this.head = 0;
      this.count--;
    }
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
  private readonly problemRows: readonly IndexQueue[];
  /** Sliding maximum of finite starts: indices whose starts decrease from the head. */
  private readonly newest: IndexQueue;
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
    this.problemRows = [new IndexQueue(n, false), new IndexQueue(n, false), new IndexQueue(n, false)];
    this.newest = new IndexQueue(n, true);
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
    if (index >= cap) this.evict(index - cap, slot);
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
    if (start === start && start !== Infinity && start !== -Infinity) {
      while (this.newest.size() > 0 && this.newest.lastValue() <= start) this.newest.popLast();
      this.newest.push(index, start);
    }
    const problem = rowProblemOf(start, open, high, low, close, volume, turnover);
    this.count = index + 1;
    if (problem !== null) {
      const kind = PROBLEMS.indexOf(problem);
      this.problem[slot] = kind + 1;
      this.flags[slot] = 0;
      this.problemRows[kind]!.push(index);
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

  private evict(index: number, slot: number): void {
    const flags = this.flags[slot]!;
    if (flags & VALID) {
      this.valid--;
      if (flags & FLAT) this.flat--;
      if (flags & ZERO_VOLUME) this.zeroVolume--;
      if (flags & IRREGULAR) this.irregular--;
      if (flags & GAP_AFTER) this.gaps--;
    } else {
      this.dropped--;
      this.problemRows[this.problem[slot]! - 1]!.dropBefore(index + 1);
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
      const present = PROBLEMS.map((reason, kind) => ({ reason, queue: this.problemRows[kind]! }))
        .filter((p) => p.queue.size() > 0)
        .sort((a, b) => a.queue.first() - b.queue.first())
        .map((p) => p.reason);
      reasons = this.gaps > 0 ? [...present, 'GAP'] : present;
    }
    return verdictOf(
      { rows: this.size(), newestStart, reasons, dropped: this.dropped, repaired: this.valid, gaps: this.gaps, flat: this.flat, zeroVolume: this.zeroVolume },
      options,
    );
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
