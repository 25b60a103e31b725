import { foldSeries } from './series.ts';
import { initSmoothed, nextSmoothed, type SmoothedState } from './smoothing.ts';
import { trueRange, type HighLowClose } from './atr.ts';
import { allFinite, safePeriod } from './window.ts';

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
export interface AdxState {
  readonly period: number;
  readonly prev: HighLowClose | null;
  readonly tr: SmoothedState;
  readonly plusDm: SmoothedState;
  readonly minusDm: SmoothedState;
  readonly dx: SmoothedState;
}

export interface AdxReading {
  readonly adx: number;
  readonly plusDI: number;
  readonly minusDI: number;
}

export function initAdx(period: number): AdxState {
  const p = safePeriod(period);
  return {
    period: p,
    prev: null,
    tr: initSmoothed(p, 'wilder'),
    plusDm: initSmoothed(p, 'wilder'),
    minusDm: initSmoothed(p, 'wilder'),
    dx: initSmoothed(p, 'wilder'),
  };
}

function directionalIndexes(tr: number, plusDm: number, minusDm: number): { plusDI: number; minusDI: number; dx: number } {
  const plusDI = tr > 0 ? (100 * plusDm) / tr : 0;
  const minusDI = tr > 0 ? (100 * minusDm) / tr : 0;
  const sum = plusDI + minusDI;
  return { plusDI, minusDI, dx: sum > 0 ? (100 * Math.abs(plusDI - minusDI)) / sum : 0 };
}

export function nextAdx(state: AdxState, candle: HighLowClose): AdxState {
  if (!allFinite(candle.high, candle.low, candle.close)) return state;
  const current: HighLowClose = { high: candle.high, low: candle.low, close: candle.close };
  const prev = state.prev;
  if (prev === null) return { ...state, prev: current };
  const up = candle.high - prev.high;
  const down = prev.low - candle.low;
  const tr = nextSmoothed(state.tr, trueRange(candle.high, candle.low, prev.close));
  const plusDm = nextSmoothed(state.plusDm, up > down && up > 0 ? up : 0);
  const minusDm = nextSmoothed(state.minusDm, down > up && down > 0 ? down : 0);
  let dx = state.dx;
  if (tr.value !== null && plusDm.value !== null && minusDm.value !== null) {
    dx = nextSmoothed(dx, directionalIndexes(tr.value, plusDm.value, minusDm.value).dx);
  }
  return { ...state, prev: current, tr, plusDm, minusDm, dx };
}

export function readAdx(state: AdxState): AdxReading | null {
  const adx = state.dx.value;
  if (adx === null || state.tr.value === null || state.plusDm.value === null || state.minusDm.value === null) return null;
  const { plusDI, minusDI } = directionalIndexes(state.tr.value, state.plusDm.value, state.minusDm.value);
  return { adx, plusDI, minusDI };
}

export function adxSeries(candles: readonly HighLowClose[], period: number): (AdxReading | null)[] {
  return foldSeries(initAdx(period), nextAdx, readAdx, candles);
}
