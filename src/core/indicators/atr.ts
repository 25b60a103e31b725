import type { Candle } from '../../domain/types.ts';
import { foldSeries } from './series.ts';
import { initSmoothed, nextSmoothed, type SmoothedState } from './smoothing.ts';
import { allFinite } from './window.ts';

export type HighLowClose = Pick<Candle, 'high' | 'low' | 'close'>;

/** Wilder's true range: the candle's range extended to the previous close (gaps count as range). */
export function trueRange(high: number, low: number, prevClose: number): number {
  return Math.max(high - low, Math.abs(high - prevClose), Math.abs(low - prevClose));
}

/**
 * Average true range, Wilder-smoothed and seeded with the mean of the first `period` true
 * ranges. The first candle has no previous close, so it only provides that close (as in
 * technicalindicators and TA-Lib; some texts use high - low for it): the first ATR
 * appears on candle period + 1.
 */
export interface AtrState {
  readonly prevClose: number | null;
  readonly avg: SmoothedState;
}

export function initAtr(period: number): AtrState {
  return { prevClose: null, avg: initSmoothed(period, 'wilder') };
}

export function nextAtr(state: AtrState, candle: HighLowClose): AtrState {
  if (!allFinite(candle.high, candle.low, candle.close)) return state;
  if (state.prevClose === null) return { ...state, prevClose: candle.close };
  return { prevClose: candle.close, avg: nextSmoothed(state.avg, trueRange(candle.high, candle.low, state.prevClose)) };
}

export function readAtr(state: AtrState): number | null {
  return state.avg.value;
}

export function atrSeries(candles: readonly HighLowClose[], period: number): (number | null)[] {
  return foldSeries(initAtr(period), nextAtr, readAtr, candles);
}
