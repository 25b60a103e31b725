import { RollingMoments } from './window.ts';

/**
 * Bollinger Bands of the closes: SMA(period) +/- multiplier x population standard deviation
 * of the same window (divide by N, as technicalindicators and Bollinger himself do). O(1)
 * per candle: the mean and variance are RollingMoments (exact recompute every `period`
 * values, compensated and re-centred sums in between).
 */
export interface BollingerBands {
  readonly middle: number;
  readonly upper: number;
  readonly lower: number;
  readonly stdDev: number;
  /** (upper - lower) / middle: band width relative to price (0 when middle is 0). */
  readonly bandwidth: number;
  /** Where the last value sits: 0 at the lower band, 1 at the upper; 0.5 when the bands are collapsed. */
  readonly percentB: number;
}

export class Bollinger implements BollingerBands {
  readonly multiplier: number;
  private readonly window: RollingMoments;
  /** Readings: NaN until `period` closes have arrived. */
  middle = Number.NaN;
  upper = Number.NaN;
  lower = Number.NaN;
  stdDev = Number.NaN;
  bandwidth = Number.NaN;
  percentB = Number.NaN;
  ready = false;

  constructor(period: number, multiplier: number) {
    this.window = new RollingMoments(period);
    this.multiplier = Number.isFinite(multiplier) ? multiplier : 2;
  }

  get period(): number {
    return this.window.period;
  }

  get capacity(): number {
    return this.window.capacity;
  }

  /** Non-finite closes are skipped. */
  update(candle: { readonly close: number }): void {
    const last = candle.close;
    if (!Number.isFinite(last)) return;
    const w = this.window;
    w.input = last;
    w.push();
    if (!w.ready) return;
    const middle = w.mean;
    const stdDev = Math.sqrt(w.variance);
    const upper = middle + this.multiplier * stdDev;
    const lower = middle - this.multiplier * stdDev;
    this.middle = middle;
    this.stdDev = stdDev;
    this.upper = upper;
    this.lower = lower;
    this.bandwidth = middle !== 0 ? (upper - lower) / middle : 0;
    this.percentB = upper > lower ? (last - lower) / (upper - lower) : 0.5;
    this.ready = true;
  }
}

export function bollingerSeries(values: readonly number[], period: number, multiplier: number): (BollingerBands | null)[] {
  const bb = new Bollinger(period, multiplier);
  return values.map((close) => {
    bb.update({ close });
    if (!bb.ready) return null;
    return { middle: bb.middle, upper: bb.upper, lower: bb.lower, stdDev: bb.stdDev, bandwidth: bb.bandwidth, percentB: bb.percentB };
  });
}
