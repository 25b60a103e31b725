import type { Candle } from '../../domain/types.ts';
import { Smoothed } from './smoothing.ts';

export type HighLowClose = Pick<Candle, 'high' | 'low' | 'close'>;

/**
 * Average true range, Wilder-smoothed. The true range is the candle's range extended to the
 * previous close (gaps count as range): max(high - low, |high - prevClose|, |low - prevClose|),
 * written out where it is used (no double crosses a call on the hot path, see window.ts).
 * Seeded with the mean of the first `period` true ranges. The first candle has no previous
 * close, so it only provides that close (as in technicalindicators and TA-Lib; some texts
 * use high - low for it): the first ATR appears on candle period + 1.
 */
export class Atr {
  private prevClose = Number.NaN;
  private hasPrev = false;
  private readonly avg: Smoothed;
  /** NaN while warming up. */
  value = Number.NaN;
  ready = false;

  constructor(period: number) {
    this.avg = new Smoothed(period, 'wilder');
  }

  /** Candles with a non-finite high, low or close are skipped. */
  update(candle: HighLowClose): void {
    const { high, low, close } = candle;
    if (!(Number.isFinite(high) && Number.isFinite(low) && Number.isFinite(close))) return;
    if (this.hasPrev) {
      const prev = this.prevClose;
      this.avg.input = Math.max(high - low, Math.abs(high - prev), Math.abs(low - prev));
      this.avg.push();
      this.value = this.avg.value;
      this.ready = this.avg.ready;
    }
    this.prevClose = close;
    this.hasPrev = true;
  }
}

export function atrSeries(candles: readonly HighLowClose[], period: number): (number | null)[] {
  const atr = new Atr(period);
  return candles.map((c) => {
    atr.update(c);
    return atr.ready ? atr.value : null;
  });
}
