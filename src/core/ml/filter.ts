import { regimeLabelOf } from '../indicators/regime.ts';
import type { SignalDecision } from '../strategy/contract.ts';
import { FEATURE_COUNT, FEATURE_NAMES, writeFeatures } from './features.ts';
import { FeatureTracker } from './featureTracker.ts';
import { predictProbability, type MlModel } from './model.ts';
import { ZoneClock } from './zoneTime.ts';

/**
 * The ML filter as the fourth confluence factor of one kernel (symbol x preset). The
 * kernel feeds it every row it feeds its indicators (and resets it with them), and hands
 * it each entry signal of the full strategy. It answers with the signal unchanged, vetoed
 * or resized, and says what it did in `ml` (shown in /actors and the signal log):
 *
 * - waiting-history: fewer than model.requiredCandles contiguous validated candles since
 *   the last reset (first start before the backfill, after a gap): the model is NOT
 *   consulted and the strategy trades exactly as without it;
 * - veto mode: an entry whose probability is below the threshold becomes 'none';
 * - scale mode: the size multiplier (sizeFactor, else the score) is multiplied by the
 *   probability, never below minScale.
 * Degraded-data decisions (the fallback) never consult the model.
 */

export const ML_MODES = ['veto', 'scale'] as const;
export type MlMode = (typeof ML_MODES)[number];

export interface MlFilterSettings {
  readonly mode: MlMode;
  /** Overrides the model's own threshold when set. */
  readonly threshold?: number;
  /** scale mode: the smallest multiplier the probability can give. */
  readonly minScale: number;
}

/** What a kernel needs to run the filter: the model (from its verified file) and the preset's settings. */
export interface MlBinding {
  readonly model: MlModel;
  readonly settings: MlFilterSettings;
}

export type MlVerdict =
  | { readonly status: 'waiting-history'; readonly version: string; readonly history: number; readonly needs: number }
  | { readonly status: 'applied'; readonly version: string; readonly probability: number; readonly threshold: number; readonly effect: 'passed' | 'vetoed' | 'scaled' };

export class MlFilter {
  readonly binding: MlBinding;
  private tracker = new FeatureTracker();
  private readonly clock: ZoneClock;
  private readonly x = new Float64Array(FEATURE_COUNT);
  private readonly factors: [number, number, number] = [0, 0, 0];

  constructor(binding: MlBinding) {
    const names = binding.model.features;
    if (names.length !== FEATURE_COUNT || names.some((n, i) => n !== FEATURE_NAMES[i])) {
      throw new Error(`model ${binding.model.version} was trained on other features (${names.join(',')}) than this version computes`);
    }
    this.binding = binding;
    this.clock = new ZoneClock(binding.model.session.zone);
  }

  /** Contiguous candles held since the last reset. */
  get history(): number {
    return this.tracker.fed;
  }

  get ready(): boolean {
    return this.tracker.fed >= this.binding.model.requiredCandles && this.tracker.ready;
  }

  update(close: number, volume: number): void {
    this.tracker.update(close, volume);
  }

  reset(): void {
    this.tracker = new FeatureTracker();
  }

  /** The probability of an entry (ready filter only). Allocation-free apart from nothing. */
  probability(decision: SignalDecision, factorNames: readonly string[], closeTime: number, regime: number): number {
    for (let k = 0; k < 3; k++) this.factors[k] = decision.factors[factorNames[k]!] ?? 0;
    writeFeatures(this.x, this.tracker, this.clock, this.binding.model.session, { time: closeTime, factors: this.factors, side: decision.action === 'short' ? 'short' : 'long', regime });
    return predictProbability(this.binding.model, this.x);
  }

  /** Applies the filter to an entry decision of the full strategy; other decisions pass untouched. */
  apply<D extends SignalDecision>(decision: D, factorNames: readonly string[], closeTime: number, regime: number): D & { readonly ml?: MlVerdict } {
    if (decision.action === 'none' || decision.mode !== 'full') return decision;
    const { model, settings } = this.binding;
    if (!this.ready) return { ...decision, ml: { status: 'waiting-history', version: model.version, history: this.tracker.fed, needs: model.requiredCandles } };
    const p = this.probability(decision, factorNames, closeTime, regime);
    const threshold = settings.threshold ?? model.threshold;
    const probability = Math.round(p * 1e4) / 1e4;
    if (settings.mode === 'veto') {
      if (p >= threshold) return { ...decision, ml: { status: 'applied', version: model.version, probability, threshold, effect: 'passed' } };
      return {
        ...decision,
        action: 'none',
        stopLoss: 0,
        takeProfit: 0,
        reason: `${decision.reason}; vetoed by the ML filter: p ${probability} < ${threshold} (regime ${regimeLabelOf(regime)})`,
        ml: { status: 'applied', version: model.version, probability, threshold, effect: 'vetoed' },
      };
    }
    const base = decision.sizeFactor ?? decision.score;
    const sizeFactor = Math.min(1, Math.max(0, base * Math.max(settings.minScale, p)));
    return { ...decision, sizeFactor, reason: `${decision.reason}; ML filter p ${probability} scales the size`, ml: { status: 'applied', version: model.version, probability, threshold, effect: 'scaled' } };
  }
}
