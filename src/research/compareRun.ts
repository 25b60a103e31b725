import { existsSync } from 'node:fs';
import { loadConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import type { BacktestArgs } from '../backtest/cliArgs.ts';
import { runFastEngine } from '../backtest/fast/fastEngine.ts';
import { summarize } from '../backtest/metrics.ts';
import { planBacktest } from '../backtest/runPlan.ts';
import type { BacktestResults } from '../backtest/types.ts';
import { ResearchInputError } from '../domain/errors.ts';
import type { CandleColumns, HistoryStore } from '../history/types.ts';
import { compareResults, DEFAULT_COMPARE, type Comparison } from './compare.ts';

/**
 * `npm run backtest -- --compare A B`: each side is a configuration file (its presets,
 * risk, fees) or a preset id of --config (that preset alone); both run on the same series
 * and period with the fast engine, then compare.ts pairs them.
 */
export interface CompareRun {
  readonly labels: readonly [string, string];
  readonly a: BacktestResults;
  readonly b: BacktestResults;
  readonly comparison: Comparison;
  readonly prices: readonly CandleColumns[];
  readonly skipped: readonly string[];
}

export interface CompareOutput {
  readonly schema: 'bybot.compare.v1';
  readonly labels: readonly [string, string];
  readonly comparison: Comparison;
  readonly a: BacktestResults;
  readonly b: BacktestResults;
}

function sideConfig(side: string, base: AppConfig, env: NodeJS.ProcessEnv): AppConfig {
  if (existsSync(side) || /\.(ya?ml|json)$/i.test(side)) {
    const loaded = loadConfig({ env, configPath: side, overrides: { log: { level: 'warn', pretty: 'never' } } });
    if (!loaded.ok) throw new ResearchInputError(loaded.problems.map((p) => `--compare ${side}: ${p}`));
    return loaded.config;
  }
  const preset = base.strategies.find((p) => p.id === side);
  if (!preset) throw new ResearchInputError([`--compare ${side}: neither a file nor a preset of the configuration (presets: ${base.strategies.map((p) => p.id).join(', ')})`]);
  return { ...base, strategies: [{ ...preset, enabled: true }] };
}

const seriesKeys = (r: BacktestResults) => r.data.map((d) => `${d.symbol}:${d.interval}`).sort().join(',');

export async function runCompare(args: BacktestArgs, base: AppConfig, openStore: (dir: string) => Promise<HistoryStore>, env: NodeJS.ProcessEnv = process.env): Promise<CompareRun> {
  const [left, right] = args.compare!;
  const configs = [sideConfig(left, base, env), sideConfig(right, base, env)];
  const skipped: string[] = [];
  const runs: BacktestResults[] = [];
  let prices: CandleColumns[] = [];
  for (const [i, config] of configs.entries()) {
    const plan = await planBacktest(args, config, openStore);
    skipped.push(...plan.skipped.map((s) => `${i === 0 ? 'A' : 'B'}: ${s}`));
    runs.push(summarize(runFastEngine(plan.input)));
    if (i === 0) prices = [...plan.input.data.values()].flatMap((d) => d.series);
  }
  const [a, b] = runs as [BacktestResults, BacktestResults];
  if (seriesKeys(a) !== seriesKeys(b)) throw new ResearchInputError([`--compare: A runs on ${seriesKeys(a)} and B on ${seriesKeys(b)}: give --data so both run on the same series`]);
  const labels = [left, right] as const;
  const settings = {
    ...DEFAULT_COMPARE,
    ...(args.bootstrap !== undefined ? { resamples: args.bootstrap } : {}),
    ...(args.blockDays !== undefined ? { blockDays: args.blockDays } : {}),
    ...(args.bootstrapSeed !== undefined ? { seed: args.bootstrapSeed } : {}),
  };
  return { labels, a, b, comparison: compareResults(a, b, labels, settings), prices, skipped };
}
