import type { SessionSpec } from './features.ts';

/**
 * A trained ML filter as the core uses it: plain data (what a model file holds, checked
 * by src/ml/modelFile.ts before it gets here). Logistic regression on standardised
 * features: p = 1 / (1 + exp(-(b + sum w_i (x_i - mean_i) / scale_i))).
 */
export interface MlModel {
  /** Model file version, e.g. "range-v1@20230101T000000Z-1a2b3c4d". */
  readonly version: string;
  readonly presetId: string;
  readonly strategyType: string;
  /** FEATURE_NAMES at training time, in order. */
  readonly features: readonly string[];
  readonly session: SessionSpec;
  /** Contiguous validated closed candles the kernel must hold before the model is consulted. */
  readonly requiredCandles: number;
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly weights: readonly number[];
  readonly intercept: number;
  /** Probability threshold chosen in training (a preset's ml.threshold overrides it). */
  readonly threshold: number;
}

/** Probability that the signal reaches its take-profit before its stop. Allocation-free. */
export function predictProbability(model: MlModel, x: Float64Array): number {
  let z = model.intercept;
  const w = model.weights;
  const m = model.mean;
  const s = model.scale;
  for (let i = 0; i < w.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) z += (w[i]! * (v - m[i]!)) / s[i]!;
  }
  return sigmoid(z);
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
