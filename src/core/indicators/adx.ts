import type { HighLowClose } from './atr.ts';
import { Smoothed } from './smoothing.ts';
import { safePeriod } from './window.ts';

/**
 * Wilder's directional movement system: +DI, -DI and ADX.
 * - +DM = up move when it beats the down move and is positive, else 0 (and mirrored for -DM);
 * - TR, +DM and -DM are Wilder-averaged (seeded by their first `period` mean; technicalindicators
 *   seeds with the sum, which scales numerator and denominator alike, so the DIs are the same);
 * - DI = 100 x avgDM / avgTR; DX = 100 x |+DI - -DI| / (+DI + -DI);
 * - ADX = Wilder average of DX, seeded by the mean of the first `period` DX values.
 * The first candle only provides a reference, so DIs appear on candle period + 1 and ADX on
 * candle 2 x period. Where the textbook divides by zero (a perfectly flat market) the DIs and
 * DX are 0 instead of NaN: no range means no trend.
 */
export interface AdxReading {
  readonly adx: number;
  readonly plusDI: number;
  readonly minusDI: number;
}

export class Adx {
  readonly period: number;
  private prevHigh = Number.NaN;
  private prevLow = Number.NaN;
  private prevClose = Number.NaN;
  private hasPrev = false;
  private readonly tr: Smoothed;
  private readonly plusDm: Smoothed;
  private readonly minusDm: Smoothed;
  private readonly dx: Smoothed;
  /** Readings: NaN until ready (the DIs come `period` candles before the ADX). */
  adx = Number.NaN;
  plusDI = Number.NaN;
  minusDI = Number.NaN;
  ready = false;

  constructor(period: number) {
    this.period = safePeriod(period);
    this.tr = new Smoothed(this.period, 'wilder');
    this.plusDm = new Smoothed(this.period, 'wilder');
    this.minusDm = new Smoothed(this.period, 'wilder');
    this.dx = new Smoothed(this.period, 'wilder');
  }

  /** Candles with a non-finite high, low or close are skipped. */
  update(candle: HighLowClose): void {
    const { high, low, close } = candle;
    if (!(Number.isFinite(high) && Number.isFinite(low) && Number.isFinite(close))) return;
    if (this.hasPrev) {
      const up = high - this.prevHigh;
      const down = this.prevLow - low;
      const prev = this.prevClose;
      this.tr.input = Math.max(high - low, Math.abs(high - prev), Math.abs(low - prev));
      this.tr.push();
      this.plusDm.input = up > down && up > 0 ? up : 0;
      this.plusDm.push();
      this.minusDm.input = down > up && down > 0 ? down : 0;
      this.minusDm.push();
      if (this.tr.ready && this.plusDm.ready && this.minusDm.ready) {
        const tr = this.tr.value;
        const plusDI = tr > 0 ? (100 * this.plusDm.value) / tr : 0;
        const minusDI = tr > 0 ? (100 * this.minusDm.value) / tr : 0;
        const sum = plusDI + minusDI;
        this.plusDI = plusDI;
        this.minusDI = minusDI;
        this.dx.input = sum > 0 ? (100 * Math.abs(plusDI - minusDI)) / sum : 0;
        this.dx.push();
        this.adx = this.dx.value;
        this.ready = this.dx.ready;
      }
    }
    this.prevHigh = high;
    this.prevLow = low;
    this.prevClose = close;
    this.hasPrev = true;
  }
}

export function adxSeries(candles: readonly HighLowClose[], period: number): (AdxReading | null)[] {
  const adx = new Adx(period);
  return candles.map((c) => {
    adx.update(c);
    return adx.ready ? { adx: adx.adx, plusDI: adx.plusDI, minusDI: adx.minusDI } : null;
  });
}
