import type { Candle } from '../../domain/types.ts';
import { DAY_MS } from '../data/utcTime.ts';

/**
 * Session VWAP: volume-weighted mean of the typical price (high + low + close) / 3 since
 * 00:00 UTC, reset on each UTC day boundary, with the volume-weighted standard deviation
 * around it. Mean and variance use West's weighted incremental update (O(1) per candle and
 * numerically stable: sum(p^2 v) - vwap^2 cancels badly at BTC prices). In place, no allocation.
 */
export type VwapInput = Pick<Candle, 'start' | 'high' | 'low' | 'close' | 'volume'>;

export interface VwapReading {
  readonly vwap: number;
  /** Volume-weighted population standard deviation of typical price around the VWAP. */
  readonly stdDev: number;
  readonly sessionStart: number;
  readonly sessionCandles: number;
}

export function typicalPrice(candle: Pick<Candle, 'high' | 'low' | 'close'>): number {
  return (candle.high + candle.low + candle.close) / 3;
}

export class SessionVwap implements VwapReading {
  /** UTC day start of the current session; NaN before the first candle. */
  sessionStart = Number.NaN;
  /** Candles seen in the session (including zero-volume ones). */
  sessionCandles = 0;
  private weight = Number.NaN;
  private mean = Number.NaN;
  /** Weighted sum of squared deviations (West's S). */
  private m2 = Number.NaN;
  /** Readings: NaN until the session has traded some volume. */
  vwap = Number.NaN;
  stdDev = Number.NaN;
  ready = false;

  /** Candles with non-finite fields or negative volume are skipped. */
  update(candle: VwapInput): void {
    const { start, high, low, close, volume: w } = candle;
    if (!(Number.isFinite(start) && Number.isFinite(high) && Number.isFinite(low) && Number.isFinite(close) && Number.isFinite(w)) || w < 0) return;
    if (!(start >= this.sessionStart && start < this.sessionStart + DAY_MS)) {
      // A new UTC day (or the first candle): utcDayStart() written out, no call on the hot path.
      this.sessionStart = Math.floor(start / DAY_MS) * DAY_MS;
      this.sessionCandles = 0;
      this.weight = 0;
      this.mean = 0;
      this.m2 = 0;
      this.vwap = Number.NaN;
      this.stdDev = Number.NaN;
      this.ready = false;
    }
    this.sessionCandles++;
    if (w === 0) return;
    const x = (high + low + close) / 3;
    const weight = this.weight + w;
    const mean = this.mean + (w / weight) * (x - this.mean);
    this.m2 = this.m2 + w * (x - this.mean) * (x - mean);
    this.weight = weight;
    this.mean = mean;
    this.vwap = mean;
    this.stdDev = Math.sqrt(Math.max(0, this.m2 / weight));
    this.ready = true;
  }
}

export function sessionVwapSeries(candles: readonly VwapInput[]): (VwapReading | null)[] {
  const vwap = new SessionVwap();
  return candles.map((c) => {
    vwap.update(c);
    return vwap.ready ? { vwap: vwap.vwap, stdDev: vwap.stdDev, sessionStart: vwap.sessionStart, sessionCandles: vwap.sessionCandles } : null;
  });
}
