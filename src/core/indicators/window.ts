/**
 * Building blocks of the streaming indicators. Every indicator is a mutable object owned by
 * exactly one kernel (one symbol x preset): it is updated in place in O(1) and allocates
 * nothing, so the per-candle cost does not depend on history and the hot path makes no
 * garbage. Windows live in fixed typed arrays sized once from the period.
 *
 * Why the blocks below take their input through an `input` field (`s.input = x; s.add()`)
 * and expose readings as fields rather than getters: V8 must box a double (a 16-byte heap
 * object) whenever one crosses a call it did not inline, as an argument or a return value,
 * and on a long hot path it does not inline everything. A double written to a number field
 * and read back stays unboxed, so no call on the hot path takes or returns one.
 */

/** A period as a whole number >= 1. Params are validated by zod upstream; this keeps indicators total. */
export function safePeriod(period: number): number {
  return Number.isFinite(period) && period >= 1 ? Math.floor(period) : 1;
}

/**
 * Neumaier's compensated sum: `sum + comp` carries the exact running total to about one
 * rounding, however many values were added and taken away (a plain running sum of a
 * rolling window drifts by one rounding per add and per subtract, forever).
 */
export class CompensatedSum {
  /** The total is `sum + comp`. */
  sum = Number.NaN;
  comp = Number.NaN;
  /** The value the next `add()` adds. */
  input = Number.NaN;

  constructor() {
    this.clear();
  }

  add(): void {
    const x = this.input;
    const t = this.sum + x;
    this.comp += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }

  clear(): void {
    this.sum = 0;
    this.comp = 0;
  }
}

/**
 * A window whose standard deviation is below this fraction of its mean is flat to within
 * rounding: there the variance is recomputed exactly (see RollingMoments).
 */
const FLAT_RELATIVE_VARIANCE = 1e-14;
/**
 * When the mean has moved more than 100 standard deviations from the centre (a jump that
 * left the window), the variance would come out of a cancellation that loses four digits:
 * recompute exactly instead. Steady trends stay far below this (about 3.5 deviations).
 */
const STALE_CENTRE_RATIO = 1e4;

/**
 * Mean and population variance of the last `period` values, O(1) per value (amortised).
 * Precision:
 * - the mean comes from a Neumaier-compensated running sum of the values, so it is the
 *   window's sum rounded about once, however long the series (a plain running sum drifts
 *   by one rounding per add and per subtract, forever);
 * - the variance comes from compensated sums of deviations from a centre (the mean at the
 *   last recompute), never from the catastrophic E[x^2] - E[x]^2 at BTC prices;
 * - every `period` values (each time the ring wraps) both are recomputed exactly from the
 *   window, two-pass, oldest to newest (the textbook formula), and the sums restart from
 *   there; so is a window flat to within rounding (standard deviation below 1e-7 of the
 *   mean: last-bit noise would be all of its variance) and one whose mean moved more than
 *   100 deviations from the centre (after a jump). Those two cost O(period) per value, but
 *   only while they last (a market that does not trade at all, the candle a jump leaves).
 */
export class RollingMoments {
  readonly period: number;
  private readonly ring: Float64Array;
  /** Slot the next value goes into (the oldest value once the window is full). */
  private next = 0;
  private count = 0;
  private centre = Number.NaN;
  /** Sum of the values. */
  private readonly s0 = new CompensatedSum();
  /** Sums of (value - centre) and of its square, for the variance. */
  private readonly s1 = new CompensatedSum();
  private readonly s2 = new CompensatedSum();
  /** Mean of the window; NaN until it is full. */
  mean = Number.NaN;
  /** Population variance (divide by N); NaN until full (or without variance), never negative. */
  variance = Number.NaN;
  /** The newest value. */
  last = Number.NaN;

  constructor(period: number, private readonly withVariance = true) {
    this.period = safePeriod(period);
    this.ring = new Float64Array(this.period);
  }

  get ready(): boolean {
    return this.count === this.period;
  }

  /** Fixed window length in values (the memory never grows). */
  get capacity(): number {
    return this.ring.length;
  }

  /** The value the next `push()` appends (finite: callers skip the others). */
  input = Number.NaN;

  /** Appends `input`, dropping the oldest value once the window is full. */
  push(): void {
    const x = this.input;
    const p = this.period;
    const i = this.next;
    const full = this.count === p;
    const old = this.ring[i]!;
    if (!full) this.count++;
    this.ring[i] = x;
    this.last = x;
    this.next = i + 1 === p ? 0 : i + 1;
    if (this.next === 0) {
      this.recompute();
      return;
    }
    if (!full) return;
    const { s0, s1, s2 } = this;
    s0.input = x;
    s0.add();
    s0.input = -old;
    s0.add();
    this.mean = (s0.sum + s0.comp) / p;
    if (!this.withVariance) return;
    const dNew = x - this.centre;
    const dOld = old - this.centre;
    s1.input = dNew;
    s1.add();
    s1.input = -dOld;
    s1.add();
    s2.input = dNew * dNew;
    s2.add();
    s2.input = -(dOld * dOld);
    s2.add();
    const offset = (s1.sum + s1.comp) / p;
    const variance = Math.max(0, (s2.sum + s2.comp) / p - offset * offset);
    if (variance <= FLAT_RELATIVE_VARIANCE * this.mean * this.mean || offset * offset > STALE_CENTRE_RATIO * variance) this.recompute();
    else this.variance = variance;
  }

  /** Exact two-pass moments of the full window, oldest to newest (slot `next` is the oldest); the sums restart from them. */
  private recompute(): void {
    const ring = this.ring;
    const p = this.period;
    const from = this.next;
    const { s0, s1, s2 } = this;
    let sum = 0;
    s0.clear();
    for (let n = 0, k = from; n < p; n++, k = k + 1 === p ? 0 : k + 1) {
      sum += ring[k]!;
      s0.input = ring[k]!;
      s0.add();
    }
    const mean = sum / p;
    this.mean = mean;
    if (!this.withVariance) return;
    this.centre = mean;
    s1.clear();
    s2.clear();
    let squares = 0;
    for (let n = 0, k = from; n < p; n++, k = k + 1 === p ? 0 : k + 1) {
      const d = ring[k]! - mean;
      squares += d * d;
      s1.input = d;
      s1.add();
      s2.input = d * d;
      s2.add();
    }
    this.variance = squares / p;
  }
}

/**
 * Highest value of the last `period` values (a sliding-window maximum), O(1) amortised:
 * a monotonic deque keeps only the values that can still become the maximum. For a
 * minimum, push negated values and negate the result (exact in floating point).
 */
export class RollingMax {
  readonly period: number;
  private readonly values: Float64Array;
  private readonly seqs: Float64Array;
  private head = 0;
  private size = 0;
  private seq = 0;
  /** The value the next `push()` appends. */
  input = Number.NaN;
  /** The maximum of the window (of what has arrived while warming up); NaN when empty. */
  max = Number.NaN;

  constructor(period: number) {
    this.period = safePeriod(period);
    this.values = new Float64Array(this.period);
    this.seqs = new Float64Array(this.period);
  }

  get ready(): boolean {
    return this.seq >= this.period;
  }

  get capacity(): number {
    return this.values.length;
  }

  push(): void {
    const x = this.input;
    const p = this.period;
    const seq = this.seq++;
    // At most one entry leaves the window per push: the one `period` values old.
    if (this.size > 0 && this.seqs[this.head]! <= seq - p) {
      this.head = this.head + 1 === p ? 0 : this.head + 1;
      this.size--;
    }
    // Entries not above the newcomer can never be the maximum again.
    while (this.size > 0) {
      let tail = this.head + this.size - 1;
      if (tail >= p) tail -= p;
      if (this.values[tail]! > x) break;
      this.size--;
    }
    let slot = this.head + this.size;
    if (slot >= p) slot -= p;
    this.values[slot] = x;
    this.seqs[slot] = seq;
    this.size++;
    this.max = this.values[this.head]!;
  }
}
