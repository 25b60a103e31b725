import type { AppConfig, StrategyPreset } from '../../config/schema.ts';
import { runFastEngine } from '../backtest/fast/fastEngine.ts';
import type { SymbolData } from '../backtest/input.ts';
import type { BacktestRun } from '../backtest/types.ts';
import type { AnyStrategyDefinition } from '../core/strategy/contract.ts';
import { getStrategy } from '../core/strategy/registry.ts';
import { trialMetrics, type TrialMetrics } from './trialMetrics.ts';

/**
 * One trial of a search: the preset with one set of params, run by the fast engine over a
 * window of the loaded data. The same function runs inline and in the worker threads, on
 * the same data, so a trial gives the same figures wherever it runs.
 */
export interface TrialContext {
  /** The configuration (risk, fees, funding, simulator); its strategies are replaced by the trial's preset. */
  readonly config: AppConfig;
  /** The preset being optimised, fitted to the data (interval set). */
  readonly preset: StrategyPreset;
  readonly data: ReadonlyMap<string, SymbolData>;
  readonly market: 'history' | 'synthetic';
  readonly seed: number | null;
  /** The strategy catalogue (default: the registry); tests plant their own strategies inline. */
  readonly resolve?: (type: string) => AnyStrategyDefinition | undefined;
}

export interface TrialTask {
  readonly index: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly from: number;
  readonly to: number;
  /** Return the daily return series (for the overfitting guard). */
  readonly daily: boolean;
}

export type TrialOutcome =
  | { readonly index: number; readonly ok: true; readonly metrics: TrialMetrics; readonly daily: Float32Array | null }
  | { readonly index: number; readonly ok: false; readonly reason: string };

export function definitionOf(ctx: Pick<TrialContext, 'resolve' | 'preset'>): AnyStrategyDefinition {
  const def = (ctx.resolve ?? getStrategy)(ctx.preset.type);
  if (!def) throw new Error(`unknown strategy type ${ctx.preset.type}`);
  return def;
}

/** Runs the preset with `params` from `from` to `to` and returns the engine's run (the CLI reuses it for the out-of-sample report). */
export function runWithParams(ctx: TrialContext, params: Readonly<Record<string, unknown>>, from: number, to: number): BacktestRun | string {
  const def = definitionOf(ctx);
  const parsed = def.paramsSchema.safeParse(params);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
  const preset = { ...ctx.preset, params: parsed.data } as StrategyPreset;
  const config: AppConfig = { ...ctx.config, strategies: [preset] };
  return runFastEngine({ config, data: ctx.data, from, to, market: ctx.market, seed: ctx.seed }, ctx.resolve ? { resolve: ctx.resolve } : {});
}

export function runTrial(ctx: TrialContext, task: TrialTask): TrialOutcome {
  const run = runWithParams(ctx, task.params, task.from, task.to);
  if (typeof run === 'string') return { index: task.index, ok: false, reason: run };
  const { metrics, daily } = trialMetrics(run);
  return { index: task.index, ok: true, metrics, daily: task.daily ? Float32Array.from(daily) : null };
}
