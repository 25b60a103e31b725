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

/** An entry when the levels are tradable, otherwise 'none' saying why (with the factors kept); `explain` false leaves the reason empty. */
export function tradeOrNone(spec: FactorSpec, mode: SignalMode, levels: EntryLevels, values: FactorValues, why: string, explain = true): SignalDecision {
  if (!levelsTradable(levels.side, levels.entry, levels.stop, levels.target, levels.minRewardRisk)) {
    const problem = explain ? levelsProblem(levels.side, levels.entry, levels.stop, levels.target, levels.minRewardRisk) : '';
    return noTrade(spec, mode, levels.entry, explain ? `${why}, but ${problem}` : '', values);
  }
  const rr = rewardRiskOf(levels.side, levels.entry, levels.stop, levels.target);
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
