import { RollingMax, safePeriod } from './window.ts';

/**
 * Donchian channel: highest high and lowest low of the last `period` candles (current
 * included). O(1) amortised per candle (monotonic deques), exact.
 */
export interface DonchianChannel {
  readonly upper: number;
  readonly lower: number;
  readonly middle: number;
}

export class Donchian implements DonchianChannel {
  readonly period: number;
  private readonly highs: RollingMax;
  /** Maximum of the negated lows, i.e. minus the lowest low (negation is exact). */
  private readonly negLows: RollingMax;
  /** Readings: NaN until `period` candles have arrived. */
  upper = Number.NaN;
  lower = Number.NaN;
  middle = Number.NaN;
  ready = false;

  constructor(period: number) {
    this.period = safePeriod(period);
    this.highs = new RollingMax(this.period);
    this.negLows = new RollingMax(this.period);
  }

  get capacity(): number {
    return this.highs.capacity;
  }

  /** Candles with a non-finite high or low are skipped. */
  update(candle: { readonly high: number; readonly low: number }): void {
    const { high, low } = candle;
    if (!(Number.isFinite(high) && Number.isFinite(low))) return;
    this.highs.input = high;
    this.highs.push();
    this.negLows.input = -low;
    this.negLows.push();
    if (!this.highs.ready) return;
    this.upper = this.highs.max;
    this.lower = -this.negLows.max;
    this.middle = (this.upper + this.lower) / 2;
    this.ready = true;
  }
}

export function donchianSeries(candles: readonly { readonly high: number; readonly low: number }[], period: number): (DonchianChannel | null)[] {
  const dc = new Donchian(period);
  return candles.map((c) => {
    dc.update(c);
    return dc.ready ? { upper: dc.upper, lower: dc.lower, middle: dc.middle } : null;
  });
}
