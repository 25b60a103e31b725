import type { Candle } from '../../domain/types.ts';
import { foldSeries } from './series.ts';
import { allFinite, pushWindow, safePeriod, windowMax, windowMin } from './window.ts';

/** Donchian channel: highest high and lowest low of the last `period` candles (current included). O(period). */
export interface DonchianState {
  readonly period: number;
  readonly highs: readonly number[];
  readonly lows: readonly number[];
}

export interface DonchianChannel {
  readonly upper: number;
  readonly lower: number;
  readonly middle: number;
}

export function initDonchian(period: number): DonchianState {
  return { period: safePeriod(period), highs: [], lows: [] };
}

export function nextDonchian(state: DonchianState, candle: Pick<Candle, 'high' | 'low'>): DonchianState {
  if (!allFinite(candle.high, candle.low)) return state;
  return {
    ...state,
    highs: pushWindow(state.highs, candle.high, state.period),
    lows: pushWindow(state.lows, candle.low, state.period),
  };
}

export function readDonchian(state: DonchianState): DonchianChannel | null {
  if (state.highs.length < state.period) return null;
  const upper = windowMax(state.highs);
  const lower = windowMin(state.lows);
  return { upper, lower, middle: (upper + lower) / 2 };
}

export function donchianSeries(candles: readonly Pick<Candle, 'high' | 'low'>[], period: number): (DonchianChannel | null)[] {
  return foldSeries(initDonchian(period), nextDonchian, readDonchian, candles);
}
