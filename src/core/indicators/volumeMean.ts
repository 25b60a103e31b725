import { foldSeries } from './series.ts';
import { pushWindow, safePeriod, windowSum } from './window.ts';

/**
 * Rolling mean of volume and the volume ratio (last volume / mean). The mean is taken over
 * the `period` candles BEFORE the last one, so a spike does not dilute its own baseline
 * (with the spike inside, a 5x candle over 20 reads only ~4.2x). Needs period + 1 candles.
 */
export interface VolumeMeanState {
  readonly period: number;
  /** Volumes of the `period` candles before `last`. */
  readonly window: readonly number[];
  readonly last: number | null;
}

export interface VolumeReading {
  readonly mean: number;
  readonly last: number;
  /** last / mean; 0 when the baseline is 0 (no baseline, so no confirmed spike). */
  readonly ratio: number;
}

export function initVolumeMean(period: number): VolumeMeanState {
  return { period: safePeriod(period), window: [], last: null };
}

/** Negative or non-finite volumes are skipped. */
export function nextVolumeMean(state: VolumeMeanState, volume: number): VolumeMeanState {
  if (!Number.isFinite(volume) || volume < 0) return state;
  const window = state.last === null ? state.window : pushWindow(state.window, state.last, state.period);
  return { ...state, window, last: volume };
}

export function readVolumeMean(state: VolumeMeanState): VolumeReading | null {
  if (state.last === null || state.window.length < state.period) return null;
  const mean = windowSum(state.window) / state.period;
  return { mean, last: state.last, ratio: mean > 0 ? state.last / mean : 0 };
}

export function volumeMeanSeries(volumes: readonly number[], period: number): (VolumeReading | null)[] {
  return foldSeries(initVolumeMean(period), nextVolumeMean, readVolumeMean, volumes);
}
