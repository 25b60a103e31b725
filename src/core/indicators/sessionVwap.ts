import type { Candle } from '../../domain/types.ts';
import { utcDayStart } from '../data/utcTime.ts';
import { foldSeries } from './series.ts';
import { allFinite } from './window.ts';

/**
 * Session VWAP: volume-weighted mean of the typical price (high + low + close) / 3 since
 * 00:00 UTC, reset on each UTC day boundary, with the volume-weighted standard deviation
 * around it. Mean and variance use West's weighted incremental update (O(1) per candle and
 * numerically stable: sum(p^2 v) - vwap^2 cancels badly at BTC prices).
 */
export type VwapInput = Pick<Candle, 'start' | 'high' | 'low' | 'close' | 'volume'>;

export interface SessionVwapState {
  /** UTC day start of the current session; null before the first candle. */
  readonly sessionStart: number | null;
  /** Candles seen in the session (including zero-volume ones). */
  readonly candles: number;
  readonly weight: number;
  readonly mean: number;
  /** Weighted sum of squared deviations (West's S). */
  readonly m2: number;
}

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

export function initSessionVwap(): SessionVwapState {
  return { sessionStart: null, candles: 0, weight: 0, mean: 0, m2: 0 };
}

/** Candles with non-finite fields or negative volume are skipped. */
export function nextSessionVwap(state: SessionVwapState, candle: VwapInput): SessionVwapState {
  if (!allFinite(candle.start, candle.high, candle.low, candle.close, candle.volume) || candle.volume < 0) return state;
  const day = utcDayStart(candle.start);
  const base = state.sessionStart === day ? state : { ...initSessionVwap(), sessionStart: day };
  const w = candle.volume;
  if (w === 0) return { ...base, candles: base.candles + 1 };
  const x = typicalPrice(candle);
  const weight = base.weight + w;
  const mean = base.mean + (w / weight) * (x - base.mean);
  const m2 = base.m2 + w * (x - base.mean) * (x - mean);
  return { sessionStart: day, candles: base.candles + 1, weight, mean, m2 };
}

/** Null until the session has traded some volume. */
export function readSessionVwap(state: SessionVwapState): VwapReading | null {
  if (state.sessionStart === null || !(state.weight > 0)) return null;
  return {
    vwap: state.mean,
    stdDev: Math.sqrt(Math.max(0, state.m2 / state.weight)),
    sessionStart: state.sessionStart,
    sessionCandles: state.candles,
  };
}

export function sessionVwapSeries(candles: readonly VwapInput[]): (VwapReading | null)[] {
  return foldSeries(initSessionVwap(), nextSessionVwap, readSessionVwap, candles);
}
