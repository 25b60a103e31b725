import { RollingMoments } from './window.ts';

/** Simple moving average of the last `period` closes: O(1) per value (see RollingMoments). */
export class Sma {
  private readonly window: RollingMoments;
  /** NaN until `period` values have arrived. */
  value = Number.NaN;
  ready = false;

  constructor(period: number) {
    this.window = new RollingMoments(period, false);
  }

  get period(): number {
    return this.window.period;
  }

  get capacity(): number {
    return this.window.capacity;
  }

  /** Non-finite closes are skipped (the data validator drops them before they get here). */
  update(candle: { readonly close: number }): void {
    const x = candle.close;
    if (!Number.isFinite(x)) return;
    this.window.input = x;
    this.window.push();
    this.value = this.window.mean;
    this.ready = this.window.ready;
  }
}

export function smaSeries(values: readonly number[], period: number): (number | null)[] {
  const sma = new Sma(period);
  return values.map((close) => {
    sma.update({ close });
    return sma.ready ? sma.value : null;
  });
}
