import { foldSeries } from './series.ts';
import { initSmoothed, nextSmoothed, type SmoothedState } from './smoothing.ts';

/**
 * Wilder's RSI: Wilder averages of gains and losses of close-to-close changes, seeded with
 * the mean of the first `period` changes (so the first value needs period + 1 closes).
 * Definitional choices, documented because sources differ:
 * - no losses and some gains -> 100; no gains and some losses -> 0 (as technicalindicators);
 * - no movement at all -> 50 (technicalindicators says 100; a flat market has no momentum);
 * - full precision (technicalindicators rounds to 2 decimals).
 */
export interface RsiState {
  readonly prevClose: number | null;
  readonly gain: SmoothedState;
  readonly loss: SmoothedState;
}

export function initRsi(period: number): RsiState {
  return { prevClose: null, gain: initSmoothed(period, 'wilder'), loss: initSmoothed(period, 'wilder') };
}

export function nextRsi(state: RsiState, close: number): RsiState {
  if (!Number.isFinite(close)) return state;
  if (state.prevClose === null) return { ...state, prevClose: close };
  const change = close - state.prevClose;
  return {
    prevClose: close,
    gain: nextSmoothed(state.gain, change > 0 ? change : 0),
    loss: nextSmoothed(state.loss, change < 0 ? -change : 0),
  };
}

export function readRsi(state: RsiState): number | null {
  const gain = state.gain.value;
  const loss = state.loss.value;
  if (gain === null || loss === null) return null;
  if (loss === 0) return gain === 0 ? 50 : 100;
  if (gain === 0) return 0;
  return 100 - 100 / (1 + gain / loss);
}

export function rsiSeries(closes: readonly number[], period: number): (number | null)[] {
  return foldSeries(initRsi(period), nextRsi, readRsi, closes);
}
