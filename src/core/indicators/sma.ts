import { foldSeries } from './series.ts';
import { pushWindow, safePeriod, windowSum } from './window.ts';

/** Simple moving average of the last `period` values. O(period) per value. */
export interface SmaState {
  readonly period: number;
  readonly window: readonly number[];
}

export function initSma(period: number): SmaState {
  return { period: safePeriod(period), window: [] };
}

/** Non-finite values are skipped (the data validator drops them before they get here). */
export function nextSma(state: SmaState, value: number): SmaState {
  if (!Number.isFinite(value)) return state;
  return { ...state, window: pushWindow(state.window, value, state.period) };
}

export function readSma(state: SmaState): number | null {
  return state.window.length < state.period ? null : windowSum(state.window) / state.period;
}

export function smaSeries(values: readonly number[], period: number): (number | null)[] {
  return foldSeries(initSma(period), nextSma, readSma, values);
}
