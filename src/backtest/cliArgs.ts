import { ALLOCATION_MODES, type AllocationMode } from '../core/portfolio/types.ts';
import { INTERVALS, type Interval } from '../domain/types.ts';
import type { DataSeriesSpec } from './prepareRun.ts';

/**
 * `npm run backtest` flags. Every problem is reported on its own line (exit 2); `--help`
 * prints USAGE and exits 0.
 */
export interface BacktestArgs {
  readonly help: boolean;
  readonly market: 'history' | 'synthetic';
  readonly engine: 'fast' | 'actors';
  /** Series to run on (`--data`); empty with the synthetic market = every preset's symbols at its interval. */
  readonly data: readonly DataSeriesSpec[];
  readonly from?: number;
  readonly to?: number;
  readonly hours?: number;
  readonly seed?: number;
  readonly configPath?: string;
  readonly historyDir?: string;
  readonly json?: string;
  readonly report?: string;
  /** A/B comparison: two config files or two preset ids of --config (src/research/compare.ts). */
  readonly compare?: readonly [string, string];
  readonly bootstrap?: number;
  readonly blockDays?: number;
  readonly bootstrapSeed?: number;
  /** Run once per allocation mode (portfolio.allocation.mode) and print them side by side. */
  readonly allocation?: readonly AllocationMode[];
}

export type BacktestArgsResult = { readonly ok: true; readonly args: BacktestArgs } | { readonly ok: false; readonly problems: readonly string[] };

export const USAGE = `Usage:
  npm run backtest -- --data BTCUSDT:60,ETHUSDT:60 --from 2023-01-01T00:00:00Z --to 2023-07-01T00:00:00Z [options]
  npm run backtest -- --market synthetic [--seed 42] [--hours 72] [--from ISO] [--data SYMBOL:INTERVAL,...] [options]

Runs the configured strategy presets over stored candles (the history store, see
npm run data) or over the simulator's seeded synthetic market, and prints a summary.

  --data LIST          SYMBOL:INTERVAL pairs (interval in minutes: ${INTERVALS.join(', ')})
  --from ISO, --to ISO first decision and end of the run (UTC, ISO-8601); history loaded
                       before --from warms the indicators up
  --market KIND        history (default with --data) or synthetic
  --seed N             synthetic market seed (default simulator.seed)
  --hours N            synthetic run length in hours (default 24)
  --engine KIND        fast (default) or actors (the real runtime on a lock-step clock)
  --config FILE        YAML or JSON configuration (presets, risk, fees, slippage, funding)
  --history-dir DIR    history store (default <journal.dataDir>/history)
  --json FILE          write the results as JSON (schema bybot.backtest.v1: every figure,
                       every trade, equity, pauses, funding)
  --report FILE.html   write the self-contained HTML report (works offline)
  --compare A B        A/B test on the same data: A and B are config files (a.yaml b.yaml)
                       or two preset ids of --config; prints both, the paired daily and
                       per-trade differences, bootstrap 95 % intervals of the Sharpe and net
                       PnL differences and a verdict (--json / --report: the comparison)
  --bootstrap N        bootstrap resamples of --compare (default 5000)
  --block-days N       days per bootstrap block (default 5; keeps runs of days together)
  --bootstrap-seed N   the bootstrap's seed (default 1)
  --allocation LIST    run once per portfolio allocation mode (${ALLOCATION_MODES.join(', ')}),
                       e.g. equal,riskParity,performance, and print them side by side
                       (--json: every run's results)
  --help               show this help`;

/** Five years. */
const MAX_HOURS = 24 * 366 * 5;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseSeries(text: string, problems: string[]): DataSeriesSpec[] {
  const out: DataSeriesSpec[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [symbol, interval] = item.split(':');
    if (!symbol || !/^[A-Z0-9]{2,24}USDT$/.test(symbol)) problems.push(`--data: "${item}": symbol must be an upper-case USDT perpetual such as BTCUSDT`);
    else if (!interval || !(INTERVALS as readonly string[]).includes(interval)) problems.push(`--data: "${item}": interval must be one of ${INTERVALS.join(', ')} (minutes)`);
    else if (out.some((s) => s.symbol === symbol && s.interval === interval)) problems.push(`--data: "${item}" is listed twice`);
    else out.push({ symbol, interval: interval as Interval });
  }
  if (out.length === 0 && problems.length === 0) problems.push('--data: expected SYMBOL:INTERVAL pairs such as BTCUSDT:60,ETHUSDT:60');
  return out;
}

export function parseBacktestArgs(argv: readonly string[]): BacktestArgsResult {
  const problems: string[] = [];
  const raw = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      problems.push(`${arg}: unexpected argument (try --help)`);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (name === 'compare' && eq < 0) {
      const pair = [argv[i + 1], argv[i + 2]];
      if (pair.some((v) => v === undefined || v.startsWith('--'))) problems.push('--compare: expected two configs or presets, e.g. --compare a.yaml b.yaml');
      else if (raw.has('compare')) problems.push('--compare: given twice');
      else raw.set('compare', `${pair[0]}\u0000${pair[1]}`);
      i += pair.filter((v) => v !== undefined && !v.startsWith('--')).length;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') ? argv[++i] : undefined;
    if (value === undefined || value === '') problems.push(`--${name}: expected a value`);
    else if (raw.has(name)) problems.push(`--${name}: given twice`);
    else raw.set(name, value);
  }
  if (help) return { ok: true, args: { help: true, market: 'synthetic', engine: 'fast', data: [] } };

  const known = new Set(['data', 'from', 'to', 'start', 'market', 'seed', 'hours', 'engine', 'config', 'history-dir', 'json', 'out', 'report', 'compare', 'bootstrap', 'block-days', 'bootstrap-seed', 'allocation']);
  for (const name of raw.keys()) if (!known.has(name)) problems.push(`--${name}: unknown option (try --help)`);
  const time = (name: string): number | undefined => {
    const v = raw.get(name);
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    if (!ISO.test(v) || Number.isNaN(t)) {
      problems.push(`--${name}: "${v}" is not an ISO-8601 time such as 2023-01-01T00:00:00Z`);
      return undefined;
    }
    return t;
  };
  const number = (name: string, valid: (n: number) => boolean, expected: string): number | undefined => {
    const v = raw.get(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || !valid(n)) {
      problems.push(`--${name}: "${v}" must be ${expected}`);
      return undefined;
    }
    return n;
  };
  const choice = <T extends string>(name: string, options: readonly T[], fallback: T): T => {
    const v = raw.get(name);
    if (v === undefined) return fallback;
    if (!(options as readonly string[]).includes(v)) problems.push(`--${name}: "${v}" must be one of ${options.join(', ')}`);
    return (options as readonly string[]).includes(v) ? (v as T) : fallback;
  };

  const data = raw.has('data') ? parseSeries(raw.get('data')!, problems) : [];
  const market = choice('market', ['history', 'synthetic'] as const, raw.has('data') ? 'history' : 'synthetic');
  const engine = choice('engine', ['fast', 'actors'] as const, 'fast');
  const from = time('from') ?? time('start');
  const to = time('to');
  const hours = number('hours', (n) => n > 0 && n <= MAX_HOURS, `a number of hours above 0 and at most ${MAX_HOURS}`);
  const seed = number('seed', (n) => Number.isInteger(n) && Math.abs(n) < 2 ** 31, 'an integer');
  if (raw.has('from') && raw.has('start')) problems.push('--start: use --from (--start is its older name)');
  if (raw.has('json') && raw.has('out')) problems.push('--out: use --json (--out is its older name)');
  if (market === 'history') {
    if (data.length === 0 && !raw.has('data')) problems.push('--data: required with the history market (or use --market synthetic)');
    if (!raw.has('from')) problems.push('--from: required with the history market');
    if (!raw.has('to')) problems.push('--to: required with the history market');
    if (raw.has('seed')) problems.push('--seed: only for --market synthetic');
    if (raw.has('hours')) problems.push('--hours: only for --market synthetic (history runs from --from to --to)');
  } else {
    if (raw.has('to') && raw.has('hours')) problems.push('--hours: give --to or --hours, not both');
    if (raw.has('history-dir')) problems.push('--history-dir: only for the history market');
  }
  if (from !== undefined && to !== undefined && !(to > from)) problems.push('--to: must be after --from');
  const bootstrap = number('bootstrap', (n) => Number.isInteger(n) && n >= 100 && n <= 1_000_000, 'a whole number from 100 to 1000000');
  const blockDays = number('block-days', (n) => Number.isInteger(n) && n >= 1 && n <= 365, 'a whole number of days from 1 to 365');
  const bootstrapSeed = number('bootstrap-seed', (n) => Number.isInteger(n) && Math.abs(n) < 2 ** 31, 'an integer');
  const compare = raw.get('compare')?.split('\u0000') as [string, string] | undefined;
  if (!compare) for (const name of ['bootstrap', 'block-days', 'bootstrap-seed']) if (raw.has(name)) problems.push(`--${name}: only with --compare`);
  if (compare && engine === 'actors') problems.push('--compare: runs the fast engine (drop --engine actors)');
  const allocation = raw.get('allocation')?.split(',').map((m) => m.trim());
  for (const m of allocation ?? []) if (!(ALLOCATION_MODES as readonly string[]).includes(m)) problems.push(`--allocation: "${m}" must be one of ${ALLOCATION_MODES.join(', ')}`);
  if (allocation && new Set(allocation).size !== allocation.length) problems.push('--allocation: a mode is listed twice');
  if (allocation && compare) problems.push('--allocation: not with --compare');
  if (allocation && raw.has('report')) problems.push('--allocation: prints a table (drop --report, or run one mode with portfolio.allocation.mode)');
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    args: {
      help: false,
      market,
      engine,
      data,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(hours !== undefined ? { hours } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(raw.has('config') ? { configPath: raw.get('config')! } : {}),
      ...(raw.has('history-dir') ? { historyDir: raw.get('history-dir')! } : {}),
      ...(raw.has('json') || raw.has('out') ? { json: (raw.get('json') ?? raw.get('out'))! } : {}),
      ...(raw.has('report') ? { report: raw.get('report')! } : {}),
      ...(compare ? { compare } : {}),
      ...(bootstrap !== undefined ? { bootstrap } : {}),
      ...(blockDays !== undefined ? { blockDays } : {}),
      ...(bootstrapSeed !== undefined ? { bootstrapSeed } : {}),
      ...(allocation ? { allocation: allocation as AllocationMode[] } : {}),
    },
  };
}
