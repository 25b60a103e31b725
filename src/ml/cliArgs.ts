import { parseSeries } from '../backtest/cliArgs.ts';
import type { DataSeriesSpec } from '../backtest/prepareRun.ts';
import { Flags, isInt } from '../research/flags.ts';

export const ML_USAGE = `npm run ml -- <command> [options]   (README, "ML filter")

  train    label the preset's past signals with the fast backtest, evaluate walk-forward,
           write the next model version and keep ml.retainVersions of them
             --preset NAME[,NAME]   preset(s) of the configuration (required); one model each
             --data LIST            SYMBOL:INTERVAL pairs (one interval), e.g. BTCUSDT:60,ETHUSDT:60
             --from ISO --to ISO    training period (UTC); earlier candles only warm up
             --history-dir DIR      history store (default <journal.dataDir or data>/history)
             --market history|synthetic, --market-seed N   (synthetic: the simulator's generator)
             --folds N              walk-forward test folds (default 4)
             --threshold auto|P     veto threshold (auto: break-even 1/(1+median reward/risk))
             --json FILE            also write the model body (metrics) as JSON
  list     the stored model versions, with training range and out-of-sample AUC
  verify   check every model file's SHA-256 and content; exit 1 when one fails
  prune    remove all but the newest --keep N versions per preset (default ml.retainVersions)

  common:  --config FILE, --model-dir DIR (default ml.modelDir or <data dir>/models), --preset NAME`;

export type MlCommand = 'train' | 'list' | 'verify' | 'prune';

export interface MlArgs {
  readonly help: boolean;
  readonly command: MlCommand;
  readonly configPath?: string;
  readonly modelDir?: string;
  readonly preset?: string;
  readonly data: readonly DataSeriesSpec[];
  readonly from: number;
  readonly to: number;
  readonly historyDir?: string;
  readonly market: 'history' | 'synthetic';
  readonly marketSeed: number;
  readonly folds: number;
  readonly threshold: 'auto' | number;
  readonly keep?: number;
  readonly json?: string;
}

const KNOWN = ['config', 'model-dir', 'preset', 'data', 'from', 'to', 'history-dir', 'market', 'market-seed', 'folds', 'threshold', 'keep', 'json'];
const TRAIN_ONLY = ['data', 'from', 'to', 'history-dir', 'market', 'market-seed', 'folds', 'threshold', 'json'];

export function parseMlArgs(argv: readonly string[]): { ok: true; args: MlArgs } | { ok: false; problems: readonly string[] } {
  const f = new Flags(argv, KNOWN);
  const [command, ...extra] = f.positional;
  if (f.help || command === 'help') return { ok: true, args: { help: true } as MlArgs };
  if (!command || !['train', 'list', 'verify', 'prune'].includes(command)) f.problems.push(`${command ?? '(none)'}: expected a command: train, list, verify or prune (try --help)`);
  for (const p of extra) f.problems.push(`${p}: unexpected argument (try --help)`);
  const train = command === 'train';
  if (!train) for (const name of TRAIN_ONLY) if (f.has(name)) f.problems.push(`--${name}: only for train`);
  if (command !== 'prune' && f.has('keep')) f.problems.push('--keep: only for prune');
  const data = train && f.has('data') ? parseSeries(f.string('data')!, f.problems) : [];
  const from = f.time('from');
  const to = f.time('to');
  if (train) {
    if (!f.has('preset')) f.problems.push('--preset: required');
    if (!f.has('data')) f.problems.push('--data: required, e.g. BTCUSDT:60');
    if (new Set(data.map((d) => d.interval)).size > 1) f.problems.push('--data: give one interval (the preset runs on one)');
    if (!f.has('from')) f.problems.push('--from: required');
    if (!f.has('to')) f.problems.push('--to: required');
    if (from !== undefined && to !== undefined && !(to > from)) f.problems.push('--to: must be after --from');
  }
  const market = f.choice('market', ['history', 'synthetic'] as const, 'history');
  if (market === 'synthetic' && f.has('history-dir')) f.problems.push('--history-dir: only for the history market');
  const rawThreshold = f.string('threshold') ?? 'auto';
  let threshold: 'auto' | number = 'auto';
  if (rawThreshold !== 'auto') {
    const n = Number(rawThreshold);
    if (!(n > 0 && n < 1)) f.problems.push(`--threshold: "${rawThreshold}" must be auto or a probability between 0 and 1`);
    else threshold = n;
  }
  const args: MlArgs = {
    help: false,
    command: (command ?? 'list') as MlCommand,
    ...(f.has('config') ? { configPath: f.string('config')! } : {}),
    ...(f.has('model-dir') ? { modelDir: f.string('model-dir')! } : {}),
    ...(f.has('preset') ? { preset: f.string('preset')! } : {}),
    data,
    from: from ?? 0,
    to: to ?? 0,
    ...(f.has('history-dir') ? { historyDir: f.string('history-dir')! } : {}),
    market,
    marketSeed: f.number('market-seed', isInt, 'an integer') ?? 42,
    folds: f.number('folds', (n) => isInt(n) && n >= 1 && n <= 20, 'a whole number from 1 to 20') ?? 4,
    threshold,
    ...(f.has('keep') ? { keep: f.number('keep', (n) => isInt(n) && n >= 1 && n <= 1000, 'a whole number from 1 to 1000') ?? 1 } : {}),
    ...(f.has('json') ? { json: f.string('json')! } : {}),
  };
  return f.problems.length > 0 ? { ok: false, problems: f.problems } : { ok: true, args };
}
