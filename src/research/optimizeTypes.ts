import type { RegimeBreakdown } from '../backtest/metrics/regimes.ts';
import type { OverfittingGuard } from './overfitting.ts';
import type { SearchMethod } from './search.ts';
import type { SensitivityRow } from './sensitivity.ts';
import type { ParamValue } from './space.ts';
import type { ObjectiveName, TrialMetrics } from './trialMetrics.ts';
import type { StitchedRecord } from './walkForward.ts';

/** What `npm run optimize --json` writes (schema bybot.optimize.v1). Times are ISO-8601 UTC. */
export interface Span {
  readonly from: string;
  readonly to: string;
}

export type Scored = TrialMetrics & { readonly objective: number | null };

export interface RankedRow {
  readonly rank: number;
  readonly trial: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly inSample: Scored;
  /** On the held-out span (--holdout) or null. */
  readonly outOfSample: Scored | null;
}

/** The guard as JSON: PBO and DSR (null when there were too few trials or days) and the warnings. */
export interface GuardSummary {
  readonly pbo: number | null;
  readonly pboSplits: number | null;
  readonly dsr: number | null;
  readonly bestDailySharpe: number | null;
  readonly expectedMaxDailySharpe: number | null;
  readonly trials: number;
  readonly warnings: readonly string[];
}

export interface SingleResult {
  readonly inSample: Span;
  readonly outOfSample: Span | null;
  readonly evaluated: number;
  readonly invalid: number;
  readonly invalidReasons: readonly string[];
  readonly ranked: readonly RankedRow[];
  readonly best: RankedRow | null;
  readonly guard: GuardSummary;
}

export interface WindowRow {
  readonly index: number;
  readonly train: Span;
  readonly test: Span;
  readonly evaluated: number;
  readonly invalid: number;
  readonly params: Readonly<Record<string, ParamValue>> | null;
  readonly inSample: Scored | null;
  readonly outOfSample: Scored | null;
  readonly guard: GuardSummary;
}

export interface WalkForwardResult {
  readonly spec: { readonly train: string; readonly test: string; readonly step: string };
  readonly windows: readonly WindowRow[];
  /** Means over the windows of the chosen parameters' in-sample figures. */
  readonly inSampleMean: { readonly sharpe: number | null; readonly returnPct: number | null; readonly objective: number | null; readonly trades: number };
  readonly outOfSample: Omit<StitchedRecord, 'equity'> & { readonly equity: readonly (readonly [string, number])[] };
  readonly warnings: readonly string[];
}

/** The chosen parameters' trades on the span they were chosen on (the in-sample span; walk-forward: the last training span), by market regime. */
export interface ChosenRegimes {
  readonly from: string;
  readonly to: string;
  /** Every trade of the preset, then per symbol of the preset; keys and figures as the backtest results' `regimes`. */
  readonly all: RegimeBreakdown;
  readonly bySymbol: Readonly<Record<string, RegimeBreakdown>>;
}

export interface OptimizeReport {
  readonly schema: 'bybot.optimize.v1';
  readonly preset: { readonly id: string; readonly type: string; readonly symbols: readonly string[] };
  readonly market: 'history' | 'synthetic';
  readonly period: Span;
  readonly method: SearchMethod;
  readonly trials: number;
  readonly seed: number;
  readonly objective: { readonly name: ObjectiveName; readonly minTrades: number };
  readonly workers: number;
  readonly space: readonly { readonly key: string; readonly kind: string; readonly values: readonly ParamValue[]; readonly min: number; readonly max: number }[];
  readonly single: SingleResult | null;
  readonly walkForward: WalkForwardResult | null;
  readonly sensitivity: readonly SensitivityRow[];
  /** The chosen parameters (the best trial; in walk-forward mode, the last window's choice) by path. */
  readonly bestParams: Readonly<Record<string, ParamValue>> | null;
  /** Performance of the chosen parameters by market regime, or null when nothing was chosen. */
  readonly regimes: ChosenRegimes | null;
  readonly presetFile: string | null;
  /** Where --trials-out streamed every trial (NDJSON), or null. */
  readonly trialsFile: string | null;
  readonly elapsedMs: number;
  readonly trialsRun: number;
}

export function guardSummary(guard: OverfittingGuard, trials: number): GuardSummary {
  return {
    pbo: guard.pbo?.pbo ?? null,
    pboSplits: guard.pbo?.splits ?? null,
    dsr: guard.dsr?.dsr ?? null,
    bestDailySharpe: guard.dsr?.sharpe ?? null,
    expectedMaxDailySharpe: guard.dsr?.expectedMaxSharpe ?? null,
    trials,
    warnings: guard.warnings,
  };
}
