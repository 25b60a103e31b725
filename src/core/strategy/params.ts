import { z } from 'zod';
import { INTERVALS, type Interval } from '../../domain/types.ts';

/**
 * The params every strategy shares (backlog C1: one validation system, unified names).
 * Each strategy spreads `baseParamsShape(...)` into its own z.strictObject (unknown keys are
 * errors) and adds `historyCoversWarmup` so a preset that could never warm up is rejected
 * at start-up with the field path, not discovered as an actor that never signals.
 */

/** Bybit's kline endpoint returns at most 1000 candles per request. */
export const MAX_HISTORY_CANDLES = 1000;

export interface BaseParams {
  readonly interval: Interval;
  /** Candles an actor fetches each iteration (the forming one included). */
  readonly historyCandles: number;
  readonly atrPeriod: number;
  /** Stop distance beyond the reference level, in ATRs. */
  readonly stopAtrMultiple: number;
  /** The strategy only signals when |target - entry| / |entry - stop| reaches this. */
  readonly minRewardRisk: number;
}

export interface BaseDefaults {
  readonly historyCandles: number;
  readonly stopAtrMultiple: number;
  readonly minRewardRisk: number;
}

export function periodParam(defaultValue: number, max = 500) {
  return z.number().int().min(2).max(max).default(defaultValue);
}

/** A number in [min, max] with a default. */
export function rangeParam(defaultValue: number, min: number, max: number) {
  return z.number().min(min).max(max).default(defaultValue);
}

export function baseParamsShape(defaults: BaseDefaults) {
  return {
    interval: z.enum(INTERVALS).default('5'),
    historyCandles: z.number().int().min(2).max(MAX_HISTORY_CANDLES).default(defaults.historyCandles),
    atrPeriod: periodParam(14),
    stopAtrMultiple: rangeParam(defaults.stopAtrMultiple, 0.1, 20),
    minRewardRisk: rangeParam(defaults.minRewardRisk, 0.1, 20),
  };
}

/**
 * Refinement: the fetched window (minus the forming candle) must cover the warm-up.
 * Use as `.superRefine(historyCoversWarmup(warmup))`.
 */
export function historyCoversWarmup<P extends { readonly historyCandles: number }>(warmup: (params: P) => number) {
  return (params: P, ctx: z.core.$RefinementCtx<P>): void => {
    const need = warmup(params) + 1;
    if (params.historyCandles < need) {
      ctx.addIssue({
        code: 'custom',
        path: ['historyCandles'],
        message: `historyCandles ${params.historyCandles} cannot cover the warm-up: need at least ${need} (warm-up ${need - 1} + the forming candle)`,
      });
    }
  };
}
