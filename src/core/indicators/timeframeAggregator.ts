import type { Candle } from '../../domain/types.ts';

/**
 * Builds higher-timeframe candles (e.g. 15m or 60m) from base candles (1m or 5m), with
 * buckets aligned to UTC boundaries. A higher candle is emitted as closed when the base
 * candle that ends its bucket arrives, so a strategy never sees a still-forming higher
 * candle (no look-ahead). If that last base candle never comes (a gap), the bucket is
 * emitted when the first candle of a later bucket arrives, keeping the series continuous.
 * Out-of-order or repeated base candles are ignored. O(1) per base candle, in place: the
 * candles it hands out are slots it reuses (valid until the next push; copy to keep).
 */
type MutableCandle = { -readonly [K in keyof Candle]: Candle[K] };

function emptyCandle(): MutableCandle {
  return { start: Number.NaN, open: Number.NaN, high: Number.NaN, low: Number.NaN, close: Number.NaN, volume: Number.NaN, turnover: Number.NaN };
}

function copyInto(to: MutableCandle, from: Candle): void {
  to.start = from.start;
  to.open = from.open;
  to.high = from.high;
  to.low = from.low;
  to.close = from.close;
  to.volume = from.volume;
  to.turnover = from.turnover;
}

function isFiniteCandleWithTurnover(c: Candle): boolean {
  return Number.isFinite(c.start) && Number.isFinite(c.open) && Number.isFinite(c.high) && Number.isFinite(c.low) && Number.isFinite(c.close) && Number.isFinite(c.volume) && Number.isFinite(c.turnover);
}

export class TimeframeAggregator {
  readonly baseMs: number;
  readonly targetMs: number;
  private lastBaseStart = Number.NaN;
  /** The bucket under construction; `start` is the bucket's start. */
  private readonly formingSlot = emptyCandle();
  private hasForming = false;
  /** Higher candles closed by the latest base candle: at most two (a gap closes the old bucket, the new one may close at once). */
  private readonly closedSlots: readonly [MutableCandle, MutableCandle] = [emptyCandle(), emptyCandle()];
  /** How many of `closedSlots` the latest push closed (usually 0 or 1). */
  closedCount = 0;

  constructor(baseMs: number, targetMs: number) {
    this.baseMs = baseMs > 0 && Number.isFinite(baseMs) ? baseMs : 60_000;
    this.targetMs = targetMs > 0 && Number.isFinite(targetMs) ? Math.max(targetMs, this.baseMs) : this.baseMs;
  }

  /** Adds a base candle; returns how many higher candles it closed (read them with `closed(i)`). */
  push(candle: Candle): number {
    this.closedCount = 0;
    // Every field must be finite here, turnover included (the volume sums must stay numbers).
    if (!isFiniteCandleWithTurnover(candle)) return 0;
    if (candle.start <= this.lastBaseStart) return 0;
    this.lastBaseStart = candle.start;
    // bucketStart() written out: no double crosses a call on the hot path (see window.ts).
    const bucket = Math.floor(candle.start / this.targetMs) * this.targetMs;
    const forming = this.formingSlot;
    if (this.hasForming && forming.start !== bucket) {
      copyInto(this.closedSlots[this.closedCount++]!, forming);
      this.hasForming = false;
    }
    if (!this.hasForming) {
      copyInto(forming, candle);
      forming.start = bucket;
      this.hasForming = true;
    } else {
      forming.high = Math.max(forming.high, candle.high);
      forming.low = Math.min(forming.low, candle.low);
      forming.close = candle.close;
      forming.volume = forming.volume + candle.volume;
      forming.turnover = forming.turnover + candle.turnover;
    }
    if (candle.start + this.baseMs >= bucket + this.targetMs) {
      copyInto(this.closedSlots[this.closedCount++]!, forming);
      this.hasForming = false;
    }
    return this.closedCount;
  }

  /** The i-th higher candle closed by the latest push, oldest first (a reused slot: copy it to keep it). */
  closed(i: number): Candle {
    return this.closedSlots[i === 0 ? 0 : 1];
  }

  /** The higher candle still forming (not closed: do not trade on it), or null. A reused slot. */
  get forming(): Candle | null {
    return this.hasForming ? this.formingSlot : null;
  }
}

/** Batch helper: all closed higher candles of a base series (copies). */
export function aggregateCandles(candles: readonly Candle[], baseMs: number, targetMs: number): Candle[] {
  const out: Candle[] = [];
  const agg = new TimeframeAggregator(baseMs, targetMs);
  for (const candle of candles) {
    const n = agg.push(candle);
    for (let i = 0; i < n; i++) out.push({ ...agg.closed(i) });
  }
  return out;
}
