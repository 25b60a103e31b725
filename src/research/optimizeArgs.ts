import { availableParallelism } from 'node:os';
import { parseSeries } from '../backtest/cliArgs.ts';
import type { DataSeriesSpec } from '../backtest/prepareRun.ts';
import { Flags, isInt } from './flags.ts';
import { SEARCH_METHODS, type SearchMethod } from './search.ts';
import { OBJECTIVES, type ObjectiveName } from './trialMetrics.ts';
import { parseWalkForward, type WalkForwardSpec } from './walkForward.ts';

export const OPTIMIZE_USAGE = `Usage:
  npm run optimize -- --data BTCUSDT:60 --from 2022-07-01T00:00:00Z --to 2023-07-01T00:00:00Z \\
    --config config/backtest-1h.yaml --preset range-v1 [options]

Searches a preset's parameters on stored candles (or the synthetic market), ranks the
trials, checks the winner for overfitting, and writes the best parameters as a preset file.

Data and preset:
  --data LIST            SYMBOL:INTERVAL pairs the preset runs on (one interval)
  --from ISO, --to ISO   the period (UTC); candles before --from warm the indicators up
  --market KIND          history (default) or synthetic (--market-seed N, default 42)
  --config FILE          configuration (presets, risk, fees, funding)
  --history-dir DIR      history store (default <journal.dataDir>/history)
  --preset NAME          the preset of --config to optimise, or
  --strategy TYPE        a preset of that strategy with default params (range,
                         multiTimeframe, volumeVwap) on the --data symbols
Search:
  --space FILE           YAML/JSON search space (default: the strategy's own)
  --method M             grid, random (default) or tpe (Tree-structured Parzen Estimator)
  --trials N             trials for random and tpe (default 200; grid runs every point)
  --objective O          sharpe (default), sortino, calmar, net, expectancy
  --min-trades N         trials with fewer trades are ranked last (default 10)
  --seed N               sampler seed (default 1): same seed and data, same ranking
  --workers N            worker threads (default: the number of cores)
Validation:
  --walk-forward SPEC    train=180d,test=30d[,step=30d]: optimise on each training span,
                         run the choice on the test span after it; stitched out-of-sample
  --holdout PCT          without walk-forward: hold out the last PCT % of the period and
                         run the top rows on it (default 0)
Output:
  --top N                rows of the ranked table (default 20)
  --no-sensitivity       skip the sensitivity scan around the best point
  --out-preset FILE      where to write the best parameters as a config file
                         (default optimize-<preset>-best.yaml)
  --json FILE            the whole result (schema bybot.optimize.v1)
  --trials-out FILE      every trial (window, index, params, objective, figures) as one
                         JSON line each, written as the trials finish (NDJSON)
  --report FILE.html     self-contained HTML report
  --help                 this text

Exit codes: 0 done, 1 the run failed, 2 bad arguments, configuration or search space.`;

export interface OptimizeArgs {
  readonly help: boolean;
  readonly data: readonly DataSeriesSpec[];
  readonly from: number;
  readonly to: number;
  readonly market: 'history' | 'synthetic';
  readonly marketSeed: number;
  readonly configPath?: string;
  readonly historyDir?: string;
  readonly preset?: string;
  readonly strategy?: string;
  readonly spaceFile?: string;
  readonly method: SearchMethod;
  readonly trials: number;
  readonly objective: ObjectiveName;
  readonly minTrades: number;
  readonly seed: number;
  readonly workers: number;
  readonly walkForward: WalkForwardSpec | null;
  readonly holdoutPct: number;
  readonly top: number;
  readonly sensitivity: boolean;
  readonly outPreset?: string;
  readonly json?: string;
  readonly trialsOut?: string;
  readonly report?: string;
}

const KNOWN = ['data', 'from', 'to', 'market', 'market-seed', 'config', 'history-dir', 'preset', 'strategy', 'space', 'method', 'trials', 'objective', 'min-trades', 'seed', 'workers', 'walk-forward', 'holdout', 'top', 'out-preset', 'json', 'trials-out', 'report'];

export function parseOptimizeArgs(argv: readonly string[]): { ok: true; args: OptimizeArgs } | { ok: false; problems: readonly string[] } {
  const f = new Flags(argv, KNOWN, ['no-sensitivity']);
  if (f.help) return { ok: true, args: { help: true } as OptimizeArgs };
  for (const p of f.positional) f.problems.push(`${p}: unexpected argument (try --help)`);
  const data = f.has('data') ? parseSeries(f.string('data')!, f.problems) : [];
  if (!f.has('data')) f.problems.push('--data: required, e.g. BTCUSDT:60');
  if (new Set(data.map((d) => d.interval)).size > 1) f.problems.push('--data: give one interval (the preset runs on one)');
  const from = f.time('from');
  const to = f.time('to');
  if (!f.has('from')) f.problems.push('--from: required');
  if (!f.has('to')) f.problems.push('--to: required');
  if (from !== undefined && to !== undefined && !(to > from)) f.problems.push('--to: must be after --from');
  if (f.has('preset') === f.has('strategy')) f.problems.push('--preset NAME or --strategy TYPE: give exactly one');
  const market = f.choice('market', ['history', 'synthetic'] as const, 'history');
  if (market === 'synthetic' && f.has('history-dir')) f.problems.push('--history-dir: only for the history market');
  let walkForward: WalkForwardSpec | null = null;
  if (f.has('walk-forward')) {
    const spec = parseWalkForward(f.string('walk-forward')!);
    if (Array.isArray(spec)) f.problems.push(...spec);
    else walkForward = spec;
  }
  const holdoutPct = f.number('holdout', (n) => n >= 0 && n < 90, 'a percentage from 0 to 89') ?? 0;
  if (walkForward && holdoutPct > 0) f.problems.push('--holdout: not with --walk-forward (its test spans are the out-of-sample)');
  const args: OptimizeArgs = {
    help: false,
    data,
    from: from ?? 0,
    to: to ?? 0,
    market,
    marketSeed: f.number('market-seed', isInt, 'an integer') ?? 42,
    ...(f.has('config') ? { configPath: f.string('config')! } : {}),
    ...(f.has('history-dir') ? { historyDir: f.string('history-dir')! } : {}),
    ...(f.has('preset') ? { preset: f.string('preset')! } : {}),
    ...(f.has('strategy') ? { strategy: f.string('strategy')! } : {}),
    ...(f.has('space') ? { spaceFile: f.string('space')! } : {}),
    method: f.choice('method', SEARCH_METHODS, 'random'),
    trials: f.number('trials', (n) => isInt(n) && n >= 1 && n <= 1_000_000, 'a whole number from 1 to 1000000') ?? 200,
    objective: f.choice('objective', OBJECTIVES, 'sharpe'),
    minTrades: f.number('min-trades', (n) => isInt(n) && n >= 0, 'a whole number >= 0') ?? 10,
    seed: f.number('seed', (n) => isInt(n) && Math.abs(n) < 2 ** 31, 'an integer') ?? 1,
    workers: f.number('workers', (n) => isInt(n) && n >= 1 && n <= 64, 'a whole number from 1 to 64') ?? availableParallelism(),
    walkForward,
    holdoutPct,
    top: f.number('top', (n) => isInt(n) && n >= 1, 'a whole number >= 1') ?? 20,
    sensitivity: !f.has('no-sensitivity'),
    ...(f.has('out-preset') ? { outPreset: f.string('out-preset')! } : {}),
    ...(f.has('json') ? { json: f.string('json')! } : {}),
    ...(f.has('trials-out') ? { trialsOut: f.string('trials-out')! } : {}),
    ...(f.has('report') ? { report: f.string('report')! } : {}),
  };
  return f.problems.length > 0 ? { ok: false, problems: f.problems } : { ok: true, args };
}
