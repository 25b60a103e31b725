import { Smoothed } from './smoothing.ts';

/** Exponential moving average of closes, alpha = 2 / (period + 1), seeded with the SMA of the first `period` closes. */
export class Ema {
  private readonly avg: Smoothed;
  /** NaN until `period` closes have arrived. */
  value = Number.NaN;
  ready = false;

  constructor(period: number) {
    this.avg = new Smoothed(period, 'ema');
  }

  /** Takes the candle (not the number) so the hot path passes no unboxed double across a call. */
  update(candle: { readonly close: number }): void {
    this.avg.input = candle.close;
    this.avg.push();
    this.value = this.avg.value;
    this.ready = this.avg.ready;
  }
}

/** Batch helper (tests, tools): the EMA after each value, null while warming up. */
export function emaSeries(values: readonly number[], period: number): (number | null)[] {
  const ema = new Ema(period);
  return values.map((close) => {
    ema.update({ close });
    return ema.ready ? ema.value : null;
  });
}
