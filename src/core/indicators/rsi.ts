import { Smoothed } from './smoothing.ts';

/**
 * Wilder's RSI: Wilder averages of gains and losses of close-to-close changes, seeded with
 * the mean of the first `period` changes (so the first value needs period + 1 closes).
 * Definitional choices, documented because sources differ:
 * - no losses and some gains -> 100; no gains and some losses -> 0 (as technicalindicators);
 * - no movement at all -> 50 (technicalindicators says 100; a flat market has no momentum);
 * - full precision (technicalindicators rounds to 2 decimals).
 */
export class Rsi {
  private prevClose = Number.NaN;
  private hasPrev = false;
  private readonly gain: Smoothed;
  private readonly loss: Smoothed;
  /** NaN while warming up. */
  value = Number.NaN;
  ready = false;

  constructor(period: number) {
    this.gain = new Smoothed(period, 'wilder');
    this.loss = new Smoothed(period, 'wilder');
  }

  update(candle: { readonly close: number }): void {
    const close = candle.close;
    if (!Number.isFinite(close)) return;
    if (!this.hasPrev) {
      this.prevClose = close;
      this.hasPrev = true;
      return;
    }
    const change = close - this.prevClose;
    this.prevClose = close;
    this.gain.input = change > 0 ? change : 0;
    this.gain.push();
    this.loss.input = change < 0 ? -change : 0;
    this.loss.push();
    if (!this.gain.ready || !this.loss.ready) return;
    this.ready = true;
    const gain = this.gain.value;
    const loss = this.loss.value;
    this.value = loss === 0 ? (gain === 0 ? 50 : 100) : gain === 0 ? 0 : 100 - 100 / (1 + gain / loss);
  }
}

export function rsiSeries(closes: readonly number[], period: number): (number | null)[] {
  const rsi = new Rsi(period);
  return closes.map((close) => {
    rsi.update({ close });
    return rsi.ready ? rsi.value : null;
  });
}
