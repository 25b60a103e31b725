import { regimeLabelOf } from '../indicators/regime.ts';
import { regimeFitOf, rulesOf, scoreWithRegime, sizeFactorOf, type ConfluenceRules, type RegimeFit } from './confluence.ts';
import { confluenceScore, type IndicatorResult, type SignalDecision, type SignalMode } from './contract.ts';
import { fmt, levelsProblem, levelsTradable, rewardRiskOf, type EntrySide } from './levels.ts';

/**
 * Builders for SignalDecision, so every strategy returns the same shape: exactly its three
 * named factors (also on 'none', to show how close a signal was), a score from
 * confluenceScore, and stop/target 0 when there is no trade.
 */

export type FactorValues = readonly [number, number, number];

export interface FactorSpec {
  readonly names: readonly [string, string, string];
  readonly weights: readonly [number, number, number];
  /** How well each market regime suits the strategy (the default of a preset's `regime.fit`). */
  readonly regimeFit: RegimeFit;
  /**
   * The factors as a record keyed by `names`, in that order, written as an object literal
   * (`(a, b, c) => ({ first: a, second: b, third: c })`): built key by key from the names it
   * cost three keyed stores, each a new hidden-class transition, on every signal; a test
   * holds the literal's keys to `names`.
   */
  readonly record: (a: number, b: number, c: number) => Record<string, number>;
}

/** A preset's confluence rules (its `confluence` and `regime` params), or null when it sets neither. */
export function confluenceOf(spec: FactorSpec, params: object): ConfluenceRules | null {
  return rulesOf(spec.names, spec.weights, spec.regimeFit, params);
}

/** A factor in [0, 1]; a non-finite one counts as 0. */
function unit(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

export function factorRecord(spec: FactorSpec, values: FactorValues): Record<string, number> {
  return spec.record(unit(values[0] ?? 0), unit(values[1] ?? 0), unit(values[2] ?? 0));
}

export function noTrade(spec: FactorSpec, mode: SignalMode, price: number, reason: string, values: FactorValues = [0, 0, 0]): SignalDecision {
  return {
    action: 'none',
    price: Number.isFinite(price) ? price : 0,
    stopLoss: 0,
    takeProfit: 0,
    factors: factorRecord(spec, values),
    score: confluenceScore(values, spec.weights),
    mode,
    reason,
  };
}

export interface EntryLevels {
  readonly side: EntrySide;
  readonly entry: number;
  readonly stop: number;
  readonly target: number;
  readonly minRewardRisk: number;
}

/**
 * An entry when the levels are tradable, otherwise 'none' saying why (with the factors kept).
 * With a preset's confluence rules (confluence.ts): its weights and the regime's fit make the
 * score; a factor below its threshold, a regime the filter does not allow or a score below
 * the preset's minScore veto the entry; the sizing curve sets `sizeFactor`. Without rules
 * (null) the decision is exactly the strategy's own. `regime` is the REGIME_CODE the
 * strategy's indicators read (0, unknown, when it has none). `explain` false (the fast
 * backtest engine) leaves the reasons empty; nothing else changes.
 */
export function tradeOrNone(spec: FactorSpec, mode: SignalMode, levels: EntryLevels, values: FactorValues, why: string, rules: ConfluenceRules | null = null, regime = 0, explain = true): SignalDecision {
  if (!levelsTradable(levels.side, levels.entry, levels.stop, levels.target, levels.minRewardRisk)) {
    const problem = explain ? levelsProblem(levels.side, levels.entry, levels.stop, levels.target, levels.minRewardRisk) : '';
    return noTrade(spec, mode, levels.entry, explain ? `${why}, but ${problem}` : '', values);
  }
  const rr = rewardRiskOf(levels.side, levels.entry, levels.stop, levels.target);
  if (rules === null) {
    return {
      action: levels.side,
      price: levels.entry,
      stopLoss: levels.stop,
      takeProfit: levels.target,
      factors: factorRecord(spec, values),
      score: confluenceScore(values, spec.weights),
      mode,
      reason: explain ? `${why}; R/R ${fmt(rr)}` : '',
    };
  }
  const veto = ruleVeto(spec, rules, values, regime);
  const score = rules.regimeWeight > 0 ? scoreWithRegime(values, rules.weights, regimeFitOf(rules.fit, regime, levels.side), rules.regimeWeight) : confluenceScore(values, rules.weights);
  if (veto) return noTrade(spec, mode, levels.entry, explain ? `${why}, but ${veto}` : '', values);
  if (rules.minScore !== null && score < rules.minScore) return noTrade(spec, mode, levels.entry, explain ? `${why}, but score ${fmt(score)} is below the preset's minScore ${rules.minScore}` : '', values);
  return {
    action: levels.side,
    price: levels.entry,
    stopLoss: levels.stop,
    takeProfit: levels.target,
    factors: factorRecord(spec, values),
    score,
    ...(rules.sizing ? { sizeFactor: sizeFactorOf(rules.sizing, score) } : {}),
    mode,
    reason: explain ? `${why}; R/R ${fmt(rr)}${rules.regimeWeight > 0 || rules.allow ? `; regime ${regimeLabelOf(regime)}` : ''}` : '',
  };
}

/** The first of a preset's hard rules the entry breaks (a factor threshold, the regime filter), or null. */
function ruleVeto(spec: FactorSpec, rules: ConfluenceRules, values: FactorValues, regime: number): string | null {
  if (rules.thresholds) {
    for (let i = 0; i < 3; i++) {
      const v = Number.isFinite(values[i]) ? values[i]! : 0;
      if (v < rules.thresholds[i]!) return `${spec.names[i]} ${fmt(v)} is below its threshold ${rules.thresholds[i]}`;
    }
  }
  if (rules.allow && !rules.allow.includes(regime)) return `regime ${regimeLabelOf(regime)} is not allowed`;
  return null;
}

/**
 * Checks the named values of an IndicatorResult: null when every one is a finite number and
 * the close is positive, else the first one missing or not finite, as `name=value` (so a
 * strategy can answer 'none' with that reason instead of computing NaN). The strategy then
 * reads the result's own record, not a copy (a decision is made before the state moves on);
 * no object is built for the common answer.
 */
export function missingValue(indicators: IndicatorResult, names: readonly string[]): string | null {
  const values = indicators.values;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = values[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${name}=${String(value)}`;
  }
  if (!Number.isFinite(indicators.close) || indicators.close <= 0) return `close=${indicators.close}`;
  return null;
}
