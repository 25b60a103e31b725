import { foldSeries } from './series.ts';
import { pushWindow, safePeriod, windowSum } from './window.ts';

/**
 * Bollinger Bands: SMA(period) +/- multiplier x population standard deviation of the same
 * window (divide by N, as technicalindicators and Bollinger himself do). O(period).
 */
export interface BollingerState {
  readonly period: number;
  readonly multiplier: number;
  readonly window: readonly number[];
}

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

export function initBollinger(period: number, multiplier: number): BollingerState {
  return { period: safePeriod(period), multiplier: Number.isFinite(multiplier) ? multiplier : 2, window: [] };
}

export function nextBollinger(state: BollingerState, value: number): BollingerState {
  if (!Number.isFinite(value)) return state;
  return { ...state, window: pushWindow(state.window, value, state.period) };
}

export function readBollinger(state: BollingerState): BollingerBands | null {
  const { window, period } = state;
  if (window.length < period) return null;
  const middle = windowSum(window) / period;
  let squares = 0;
  for (const v of window) squares += (v - middle) * (v - middle);
  const stdDev = Math.sqrt(squares / period);
  const upper = middle + state.multiplier * stdDev;
  const lower = middle - state.multiplier * stdDev;
  const last = window[window.length - 1] ?? middle;
  return {
    middle,
    upper,
    lower,
    stdDev,
    bandwidth: middle !== 0 ? (upper - lower) / middle : 0,
    percentB: upper > lower ? (last - lower) / (upper - lower) : 0.5,
  };
}

export function bollingerSeries(values: readonly number[], period: number, multiplier: number): (BollingerBands | null)[] {
  return foldSeries(initBollinger(period, multiplier), nextBollinger, readBollinger, values);
}
