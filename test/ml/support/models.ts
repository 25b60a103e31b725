import { DEFAULT_SESSION, FEATURE_COUNT, FEATURE_HISTORY, FEATURE_NAMES } from '../../../src/core/ml/features.ts';
import type { MlBinding, MlFilterSettings } from '../../../src/core/ml/filter.ts';
import type { MlModel } from '../../../src/core/ml/model.ts';
import type { ModelBody } from '../../../src/ml/modelFile.ts';

/** Hand-made models for tests: `intercept` alone sets the probability of every signal (weights 0) unless weights are given. */
export function constantModel(intercept: number, over: Partial<MlModel> = {}): MlModel {
  return {
    version: 'test@v0001',
    presetId: 'test',
    strategyType: 'test',
    features: [...FEATURE_NAMES],
    session: DEFAULT_SESSION,
    requiredCandles: FEATURE_HISTORY,
    mean: new Array(FEATURE_COUNT).fill(0),
    scale: new Array(FEATURE_COUNT).fill(1),
    weights: new Array(FEATURE_COUNT).fill(0),
    intercept,
    threshold: 0.5,
    ...over,
  };
}

export function binding(intercept: number, settings: Partial<MlFilterSettings> = {}, over: Partial<MlModel> = {}): MlBinding {
  return { model: constantModel(intercept, over), settings: { mode: 'veto', minScale: 0.25, ...settings } };
}

export function body(presetId: string, seq: number, over: Partial<MlModel> = {}): ModelBody {
  const m = constantModel(0.3, { presetId, version: `${presetId}@v${String(seq).padStart(4, '0')}`, ...over });
  const figures = { trades: 10, netPnl: 12.5, winRatePct: 40, profitFactor: 1.2, expectancyR: 0.1, maxDrawdownPct: 3 };
  return {
    model: { ...m, features: [...m.features], mean: [...m.mean], scale: [...m.scale], weights: [...m.weights] },
    training: { data: ['BTCUSDT:60'], from: '2023-01-01T00:00:00.000Z', to: '2023-03-01T00:00:00.000Z', signals: 120, positives: 40, l2: 1, iterations: 6, converged: true },
    metrics: { folds: [], total: { auc: 0.55, precision: 0.4, without: figures, with: figures } },
  };
}
