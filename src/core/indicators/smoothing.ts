import { safePeriod } from './window.ts';

/**
 * The exponential average both EMA and Wilder's smoothing are made of:
 *   value' = value + alpha * (x - value)
 * with alpha = 2 / (period + 1) for an EMA and 1 / period for Wilder (RSI, ATR, ADX).
 * Seeded, as technicalindicators and TA-Lib do, with the simple mean of the first `period`
 * inputs, so the first value appears on the period-th input. O(1) per input.
 */

export type SmoothingKind = 'ema' | 'wilder';

export interface SmoothedState {
  readonly period: number;
  readonly alpha: number;
  /** Inputs seen so far (only matters until seeded). */
  readonly count: number;
  /** Sum of the inputs while seeding. */
  readonly seedSum: number;
  /** Current average, null until `period` inputs have arrived. */
  readonly value: number | null;
}

export function initSmoothed(period: number, kind: SmoothingKind): SmoothedState {
  const p = safePeriod(period);
  return { period: p, alpha: kind === 'ema' ? 2 / (p + 1) : 1 / p, count: 0, seedSum: 0, value: null };
}

/** Non-finite inputs are skipped: one NaN must not poison an exponential average forever. */
export function nextSmoothed(state: SmoothedState, x: number): SmoothedState {
  if (!Number.isFinite(x)) return state;
  if (state.value !== null) {
    return { ...state, count: state.count + 1, value: state.value + state.alpha * (x - state.value) };
  }
  const count = state.count + 1;
  const seedSum = state.seedSum + x;
  return { ...state, count, seedSum, value: count >= state.period ? seedSum / state.period : null };
}

export function readSmoothed(state: SmoothedState): number | null {
  return state.value;
}
