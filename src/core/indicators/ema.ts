import { foldSeries } from './series.ts';
import { initSmoothed, nextSmoothed, readSmoothed, type SmoothedState } from './smoothing.ts';

/** Exponential moving average, alpha = 2 / (period + 1), seeded with the SMA of the first `period` values. */
export type EmaState = SmoothedState;

export function initEma(period: number): EmaState {
  return initSmoothed(period, 'ema');
}

export const nextEma: (state: EmaState, value: number) => EmaState = nextSmoothed;
export const readEma: (state: EmaState) => number | null = readSmoothed;

export function emaSeries(values: readonly number[], period: number): (number | null)[] {
  return foldSeries(initEma(period), nextEma, readEma, values);
}
