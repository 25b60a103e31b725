import { regimeLabelOf } from '../indicators/regime.ts';
import { regimeFitOf, rulesOf, scoreWithRegime, sizeFactorOf, type ConfluenceRules, type RegimeFit } from './confluence.ts';
import { confluenceScore, type IndicatorResult, type SignalDecision, type SignalMode } from './contract.ts';
import { fmt, levelsProblem, rewardRiskOf, type EntrySide } from './levels.ts';

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
}

/** A preset's confluence rules (its `confluence` and `regime` params), or null when it sets neither. */
export function confluenceOf(spec: FactorSpec, params: object): ConfluenceRules | null {
  return rulesOf(spec.names, spec.weights, spec.regimeFit, params);
}

export function factorRecord(spec: FactorSpec, values: FactorValues): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < spec.names.length; i++) {
    const v = values[i] ?? 0;
    out[spec.names[i]!] = Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
  }
  return out;
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
 * strategy's indicators read (0, unknown, when it has none).
 */
export function tradeOrNone(spec: FactorSpec, mode: SignalMode, levels: EntryLevels, values: FactorValues, why: string, rules: ConfluenceRules | null = null, regime = 0): SignalDecision {
  const problem = levelsProblem(levels.side, levels.entry, levels.stop, levels.target, levels.minRewardRisk);
  if (problem) return noTrade(spec, mode, levels.entry, `${why}, but ${problem}`, values);
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
      reason: `${why}; R/R ${fmt(rr)}`,
    };
  }
  const veto = ruleVeto(spec, rules, values, regime);
  const score = rules.regimeWeight > 0 ? scoreWithRegime(values, rules.weights, regimeFitOf(rules.fit, regime, levels.side), rules.regimeWeight) : confluenceScore(values, rules.weights);
  if (veto) return noTrade(spec, mode, levels.entry, `${why}, but ${veto}`, values);
  if (rules.minScore !== null && score < rules.minScore) return noTrade(spec, mode, levels.entry, `${why}, but score ${fmt(score)} is below the preset's minScore ${rules.minScore}`, values);
  return {
    action: levels.side,
    price: levels.entry,
    stopLoss: levels.stop,
    takeProfit: levels.target,
    factors: factorRecord(spec, values),
    score,
    ...(rules.sizing ? { sizeFactor: sizeFactorOf(rules.sizing, score) } : {}),
    mode,
    reason: `${why}; R/R ${fmt(rr)}${rules.regimeWeight > 0 || rules.allow ? `; regime ${regimeLabelOf(regime)}` : ''}`,
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
 * Checks the named values of an IndicatorResult, or names the first one that is missing or
 * not finite (so a strategy can answer 'none' with that reason instead of computing NaN).
 * `v` is the result's own record, not a copy (a decision is made before the state moves on).
 */
export function readValues<K extends string>(indicators: IndicatorResult, names: readonly K[]): { readonly ok: true; readonly v: Readonly<Record<K, number>> } | { readonly ok: false; readonly missing: string } {
  const values = indicators.values;
  for (const name of names) {
    const value = values[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, missing: `${name}=${String(value)}` };
  }
  if (!Number.isFinite(indicators.close) || indicators.close <= 0) return { ok: false, missing: `close=${indicators.close}` };
  return { ok: true, v: values as Readonly<Record<K, number>> };
}
