import { parseSeries } from '../backtest/cliArgs.ts';
import type { DataSeriesSpec } from '../backtest/prepareRun.ts';
import { Flags, isInt } from './flags.ts';
import { MC_METHODS, type McMethod } from './montecarlo.ts';

export const MONTECARLO_USAGE = `Usage:
  npm run montecarlo -- --results r.json [--runs 10000] [--method trades|shuffle|blocks] [--block 5d] [options]
  npm run montecarlo -- --synthetic N [--config FILE] [--hours 720] [--data SYMBOL:INTERVAL,...] [options]

Monte Carlo of a backtest: alternative histories built from its trades or days, with the
distributions of final equity, maximum drawdown, longest losing streak and the risk of
ruin (5th, 50th and 95th percentiles). --results reads the JSON that
npm run backtest -- --json r.json writes (schema bybot.backtest.v1).

Resampling a record (--results):
  --results FILE         bybot.backtest.v1 JSON of npm run backtest --json
  --runs N               alternative histories (default 10000)
  --method M             trades (default): draw the record's trade returns with replacement;
                         shuffle: reorder the same trades (final equity fixed, path varies);
                         blocks: block bootstrap of the daily returns (--block days per block)
  --block Nd             days per block for --method blocks (default 5d)
  --seed N               resampling seed (default 1): same seed and file, same figures
Synthetic markets (--synthetic N):
  --synthetic N          run the configured presets over N simulated markets, seeds
                         --market-seed, +1, ...; regimes in turn: mixed, trend, range, crash
  --config FILE          configuration (presets, risk, fees, simulator)
  --data LIST            SYMBOL:INTERVAL pairs (default: every preset's symbols)
  --hours N              length of each market in hours (default 720 = 30 days)
  --market-seed N        seed of the first market (default 1)
Both:
  --floor PCT            ruin = equity at or below PCT % of the starting equity (default 50)
  --json FILE            the result (schema bybot.montecarlo.v1)
  --report FILE.html     self-contained HTML report with the histograms
  --help                 this text

Exit codes: 0 done, 1 the run failed, 2 bad arguments, results file or configuration.`;

export interface MontecarloArgs {
  readonly help: boolean;
  readonly results?: string;
  readonly synthetic?: number;
  readonly runs: number;
  readonly method: McMethod;
  readonly block: number;
  readonly seed: number;
  readonly floorPct: number;
  readonly configPath?: string;
  readonly data: readonly DataSeriesSpec[];
  readonly hours: number;
  readonly marketSeed: number;
  readonly json?: string;
  readonly report?: string;
}

const KNOWN = ['results', 'synthetic', 'runs', 'method', 'block', 'seed', 'floor', 'config', 'data', 'hours', 'market-seed', 'json', 'report'];

/** `5d` or `5`: whole days from 1 to 365. */
export function parseBlock(text: string, problems: string[]): number | undefined {
  const m = /^(\d+)d?$/.exec(text.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  if (!(Number.isInteger(n) && n >= 1 && n <= 365)) {
    problems.push(`--block: "${text}" must be a whole number of days from 1 to 365, such as 5d`);
    return undefined;
  }
  return n;
}

export function parseMontecarloArgs(argv: readonly string[]): { ok: true; args: MontecarloArgs } | { ok: false; problems: readonly string[] } {
  const f = new Flags(argv, KNOWN);
  if (f.help) return { ok: true, args: { help: true } as MontecarloArgs };
  for (const p of f.positional) f.problems.push(`${p}: unexpected argument (try --help)`);
  if (f.has('results') === f.has('synthetic')) f.problems.push('--results FILE or --synthetic N: give exactly one');
  const synthetic = f.number('synthetic', (n) => isInt(n) && n >= 1 && n <= 10_000, 'a whole number of markets from 1 to 10000');
  if (f.has('results')) for (const name of ['config', 'data', 'hours', 'market-seed']) if (f.has(name)) f.problems.push(`--${name}: only with --synthetic`);
  if (f.has('synthetic')) for (const name of ['runs', 'method', 'block', 'seed']) if (f.has(name)) f.problems.push(`--${name}: only with --results (each synthetic market runs once)`);
  const method = f.choice('method', MC_METHODS, 'trades');
  if (f.has('block') && method !== 'blocks') f.problems.push('--block: only with --method blocks');
  const block = f.has('block') ? parseBlock(f.string('block')!, f.problems) : 5;
  const data = f.has('data') ? parseSeries(f.string('data')!, f.problems) : [];
  const args: MontecarloArgs = {
    help: false,
    ...(f.has('results') ? { results: f.string('results')! } : {}),
    ...(synthetic !== undefined ? { synthetic } : {}),
    runs: f.number('runs', (n) => isInt(n) && n >= 100 && n <= 10_000_000, 'a whole number from 100 to 10000000') ?? 10_000,
    method,
    block: block ?? 5,
    seed: f.number('seed', (n) => isInt(n) && Math.abs(n) < 2 ** 31, 'an integer') ?? 1,
    floorPct: f.number('floor', (n) => n >= 0 && n < 100, 'a percentage from 0 to below 100') ?? 50,
    ...(f.has('config') ? { configPath: f.string('config')! } : {}),
    data,
    hours: f.number('hours', (n) => isInt(n) && n >= 24 && n <= 24 * 366 * 5, 'a whole number of hours from 24 to 43920') ?? 720,
    marketSeed: f.number('market-seed', (n) => isInt(n) && Math.abs(n) < 2 ** 31, 'an integer') ?? 1,
    ...(f.has('json') ? { json: f.string('json')! } : {}),
    ...(f.has('report') ? { report: f.string('report')! } : {}),
  };
  return f.problems.length > 0 ? { ok: false, problems: f.problems } : { ok: true, args };
}
