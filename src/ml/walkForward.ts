import { runFastEngine } from '../backtest/fast/fastEngine.ts';
import { tradeStats } from '../backtest/metrics/ratios.ts';
import type { BacktestTrade } from '../backtest/types.ts';
import { FEATURE_COUNT, FEATURE_HISTORY, FEATURE_NAMES, type SessionSpec } from '../core/ml/features.ts';
import type { MlBinding, MlMode } from '../core/ml/filter.ts';
import { predictProbability, type MlModel } from '../core/ml/model.ts';
import { intervalMs, type Interval } from '../domain/types.ts';
import type { TrialContext } from '../research/trial.ts';
import { definitionOf } from '../research/trial.ts';
import { trialMetrics } from '../research/trialMetrics.ts';
import type { MarketColumns } from '../core/ml/replay.ts';
import type { BoundedCache } from './boundedCache.ts';
import { buildDataset, subset, type Dataset, type LabelledSignal } from './dataset.ts';
import { aucOf, fitLogistic, precisionAt, type LogisticFit } from './logistic.ts';
import type { FoldRecord, ModelBody } from './modelFile.ts';

/**
 * `npm run ml -- train`: labels the preset's past signals with the fast backtest engine
 * (dataset.ts), then evaluates the model walk-forward: the period is cut into folds + 1
 * equal spans; for each test span k = 1..folds a model is trained on the signals before it
 * whose outcome was known before it (expanding window, no label from the future), scored on
 * the span's signals (AUC, precision at the threshold), and the span is backtested by the
 * fast engine twice, without and with the model as a veto filter. The model written is
 * then trained on every labelled signal of the period.
 */
export interface TrainOptions {
  readonly folds: number;
  /** 'auto' = the break-even probability 1 / (1 + median reward/risk) of the training signals. */
  readonly threshold: 'auto' | number;
  readonly l2: number;
  readonly session: SessionSpec;
  readonly mode: MlMode;
  /** Fewer training signals than this (or one class only): the fold has no model. */
  readonly minSignals: number;
  /** Market feature columns shared between trainings on the same candles (caches.ts). */
  readonly featureCache?: BoundedCache<string, MarketColumns>;
}

export const DEFAULT_TRAIN: Omit<TrainOptions, 'session'> = { folds: 4, threshold: 'auto', l2: 1, mode: 'veto', minSignals: 30 };

const METRICS = ['trades', 'netPnl', 'winRatePct', 'profitFactor', 'expectancyR', 'maxDrawdownPct'] as const;
type Figures = Record<string, number | null>;

function thresholdOf(option: TrainOptions['threshold'], signals: readonly LabelledSignal[]): number {
  if (option !== 'auto') return option;
  const rr = signals.map((s) => s.rewardRisk).filter((v) => v > 0).sort((a, b) => a - b);
  const median = rr.length === 0 ? 1 : rr.length % 2 ? rr[(rr.length - 1) / 2]! : (rr[rr.length / 2 - 1]! + rr[rr.length / 2]!) / 2;
  return Math.round((1 / (1 + median)) * 1e4) / 1e4;
}

function modelOf(fit: LogisticFit, base: Pick<MlModel, 'version' | 'presetId' | 'strategyType' | 'session'>, threshold: number): MlModel {
  return { ...base, features: [...FEATURE_NAMES], requiredCandles: FEATURE_HISTORY, mean: fit.mean, scale: fit.scale, weights: fit.weights, intercept: fit.intercept, threshold };
}

function figuresOf(trades: readonly BacktestTrade[], maxDrawdownPct: number): Figures {
  const s = tradeStats(trades);
  const round = (v: number | null, d = 2) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d);
  return { trades: s.trades, netPnl: round(s.netPnl), winRatePct: round(s.winRatePct), profitFactor: round(s.profitFactor, 3), expectancyR: round(s.expectancyR, 3), maxDrawdownPct: round(maxDrawdownPct) };
}

export interface WalkForwardResult {
  readonly body: ModelBody;
  readonly dataset: Dataset;
}

export function trainWalkForward(ctx: TrialContext, from: number, to: number, data: readonly string[], version: string, options: TrainOptions): WalkForwardResult {
  const def = definitionOf(ctx);
  const preset = ctx.preset;
  const interval = (preset.params as { interval: Interval }).interval;
  const step = intervalMs(interval);
  const config = { ...ctx.config, strategies: [preset] };
  const run = (a: number, b: number, models?: ReadonlyMap<string, MlBinding>) =>
    runFastEngine({ config, data: ctx.data, from: a, to: b, market: ctx.market, seed: ctx.seed }, { ...(ctx.resolve ? { resolve: ctx.resolve } : {}), ...(models ? { models } : {}) });
  const baseline = run(from, to);
  const dataset = buildDataset(baseline.trades, preset.id, def.factorNames, ctx.data, interval, options.session, FEATURE_HISTORY, options.featureCache);
  const base = { version, presetId: preset.id, strategyType: preset.type, session: options.session };
  const edges = Array.from({ length: options.folds + 2 }, (_, i) => (i === options.folds + 1 ? to : from + Math.floor(((to - from) * i) / (options.folds + 1) / step) * step));

  const folds: FoldRecord[] = [];
  const pooledScores: number[] = [];
  const pooledLabels: number[] = [];
  const tradesWithout: BacktestTrade[] = [];
  const tradesWith: BacktestTrade[] = [];
  let ddWithout = 0;
  let ddWith = 0;
  for (let k = 1; k <= options.folds; k++) {
    const a = edges[k]!;
    const b = edges[k + 1]!;
    const train = subset(dataset, (s) => s.signalCandleStart + step <= a && s.exitTime <= a);
    const test = subset(dataset, (s) => s.signalCandleStart + step > a && s.signalCandleStart + step <= b);
    const positives = train.labels.filter((l) => l === 1).length;
    const usable = train.labels.length >= options.minSignals && positives > 0 && positives < train.labels.length;
    const without = run(a, b);
    const wm = trialMetrics(without).metrics;
    let threshold = Number.NaN;
    let scores: number[] = [];
    let withRun = without;
    if (usable) {
      threshold = thresholdOf(options.threshold, train.signals);
      const model = modelOf(fitLogistic(train.rows, train.labels, FEATURE_COUNT, { l2: options.l2 }), base, threshold);
      scores = test.signals.map((_, i) => predictProbability(model, test.rows.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT)));
      withRun = run(a, b, new Map([[preset.id, { model, settings: { mode: options.mode, threshold, minScale: 0.25 } }]]));
      pooledScores.push(...scores);
      pooledLabels.push(...test.labels);
    }
    const withMetrics = trialMetrics(withRun).metrics;
    tradesWithout.push(...without.trades);
    tradesWith.push(...withRun.trades);
    ddWithout = Math.max(ddWithout, wm.maxDrawdownPct);
    ddWith = Math.max(ddWith, withMetrics.maxDrawdownPct);
    const p = usable ? precisionAt(scores, test.labels, threshold) : { precision: null, kept: 0 };
    folds.push({
      fold: k,
      testFrom: new Date(a).toISOString(),
      testTo: new Date(b).toISOString(),
      trainSignals: train.labels.length,
      testSignals: test.labels.length,
      auc: usable ? round4(aucOf(scores, test.labels)) : null,
      threshold: usable ? threshold : -1,
      precision: round4(p.precision),
      baseRate: test.labels.length ? round4(test.labels.filter((l) => l === 1).length / test.labels.length) : null,
      kept: p.kept,
      without: figuresOf(without.trades, wm.maxDrawdownPct),
      with: figuresOf(withRun.trades, withMetrics.maxDrawdownPct),
    });
  }
  const all = subset(dataset, (s) => s.exitTime <= to);
  const finalThreshold = thresholdOf(options.threshold, all.signals);
  const fit = fitLogistic(all.rows, all.labels, FEATURE_COUNT, { l2: options.l2 });
  const model = modelOf(fit, base, finalThreshold);
  const pooledThresholds = folds.filter((f) => f.threshold >= 0);
  const pooledPrecision = pooledThresholds.reduce((acc, f) => acc + (f.precision ?? 0) * f.kept, 0) / Math.max(1, pooledThresholds.reduce((acc, f) => acc + f.kept, 0));
  const body: ModelBody = {
    model: { ...model, features: [...model.features], mean: [...model.mean], scale: [...model.scale], weights: [...model.weights] },
    training: {
      data: [...data],
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      signals: all.labels.length,
      positives: all.labels.filter((l) => l === 1).length,
      l2: options.l2,
      iterations: fit.iterations,
      converged: fit.converged,
    },
    metrics: {
      folds,
      total: {
        auc: round4(aucOf(pooledScores, pooledLabels)),
        precision: pooledThresholds.some((f) => f.kept > 0) ? round4(pooledPrecision) : null,
        without: figuresOf(tradesWithout, ddWithout),
        with: figuresOf(tradesWith, ddWith),
      },
    },
  };
  return { body, dataset };
}

function round4(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : Math.round(v * 1e4) / 1e4;
}

export { METRICS };
