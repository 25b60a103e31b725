import { parseArgs } from 'node:util';
import { z } from 'zod';
import { INTERVALS } from '../domain/types.ts';
import { detectTimestampFormat, parseTimestamp } from './csv/timestamps.ts';

/**
 * Arguments of `npm run data -- <command>`: node:util parseArgs for the shape (unknown
 * options are errors), zod for the values. Every problem becomes one line; the CLI exits 2.
 */
export const COMMANDS = ['import', 'download', 'list', 'check'] as const;
export type Command = (typeof COMMANDS)[number];

const COMMON = `Common options:
  --history-dir DIR   the history store (default: <journal.dataDir>/history of the configuration)
  --config FILE       configuration file (journal.dataDir; exchange timeouts and retries)
  --help              this help`;

export const USAGE: Record<Command | 'tool', string> = {
  tool: `Usage: npm run data -- <command> [options]

Commands:
  import     read a candle CSV into the store
  download   fetch candles, funding history and instrument filters from Bybit (public data, no keys)
  list       what is stored: symbol, interval, range, rows, gaps, sources
  check      validate the stored history; exit 1 when issues are found

${COMMON}

npm run data -- <command> --help shows the command's options. Exit codes: 0 done (check: clean),
1 data problems (bad CSV rows, issues found, download failed), 2 bad arguments.`,
  import: `Usage: npm run data -- import --file F.csv --symbol BTCUSDT --interval 60 [--skip-bad-rows]

Reads a CSV with a header row. Columns, case-insensitive, any order: the candle open time
(timestamp, open_time, start or time; epoch ms, epoch s, ISO-8601 or YYYY-MM-DD HH:MM:SS,
always read as UTC), open, high, low, close, volume, and optionally turnover.
Bad rows are listed with their line numbers; nothing is imported unless --skip-bad-rows.
Re-importing is idempotent; for an open time already stored, the imported row wins.

  --file F            the CSV file
  --symbol S          e.g. BTCUSDT
  --interval I        candle interval in minutes: ${INTERVALS.join(', ')}
  --skip-bad-rows     import the good rows and skip the bad ones (still listed)

${COMMON}`,
  download: `Usage: npm run data -- download --symbol S --interval I --from ISO --to ISO [--venue mainnet|testnet|local] [--rest-url URL]

Fetches closed candles with open time in [--from, --to) from Bybit's public /v5/market/kline
(1000 per request, through the bot's Bybit adapter: rate limits, retries, failover), plus the
funding-rate history and the instrument's filters. Resumable: what is stored is not fetched
again, and a killed download continues where it stopped. Never signs a request.

  --symbol S          e.g. BTCUSDT
  --interval I        ${INTERVALS.join(', ')} (minutes)
  --from ISO          first candle open time, e.g. 2022-07-01T00:00:00Z
  --to ISO            end (exclusive), e.g. 2023-07-01T00:00:00Z
  --venue V           mainnet (default), testnet, or local (a bybot simulator server)
  --rest-url URL      REST endpoint instead of the venue's (required for local)

${COMMON}`,
  list: `Usage: npm run data -- list [--json]

  --json              print JSON instead of a table

${COMMON}`,
  check: `Usage: npm run data -- check [--symbol S [--interval I]] [--min-zero-run N] [--json]

Checks with the live actors' validator (gaps, duplicates, order, OHLC consistency, non-finite
and negative values), plus zero-volume runs and the files' SHA-256 against the manifest.
Exit 0 when clean, 1 when issues were found.

  --symbol S          only this symbol
  --interval I        only this interval (with --symbol)
  --min-zero-run N    report runs of at least N zero-volume candles (default 3)
  --json              print JSON

${COMMON}`,
};

const symbol = z.string().regex(/^[A-Z0-9]{1,32}$/, 'expected an upper-case symbol such as BTCUSDT');
const interval = z.enum(INTERVALS, { error: `expected one of ${INTERVALS.join(', ')}` });
const isoTime = z.string().transform((v, ctx) => {
  const parsed = detectTimestampFormat(v) === 'datetime' ? parseTimestamp(v, 'datetime') : null;
  if (!parsed?.ok) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO-8601 UTC time such as 2022-07-01T00:00:00Z' });
    return z.NEVER;
  }
  return parsed.ms;
});
const common = { 'history-dir': z.string().min(1).optional(), config: z.string().min(1).optional(), help: z.boolean().default(false) };

export const SCHEMAS = {
  import: z.strictObject({ ...common, file: z.string().min(1, 'expected a file'), symbol, interval, 'skip-bad-rows': z.boolean().default(false) }),
  download: z
    .strictObject({
      ...common,
      symbol,
      interval,
      from: isoTime,
      to: isoTime,
      venue: z.enum(['mainnet', 'testnet', 'local'], { error: 'expected mainnet, testnet or local' }).default('mainnet'),
      'rest-url': z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional(),
    })
    .refine((a) => a.to > a.from, { path: ['to'], message: 'must be after --from' })
    .refine((a) => a.venue !== 'local' || a['rest-url'] !== undefined, { path: ['rest-url'], message: 'is required with --venue local' }),
  list: z.strictObject({ ...common, json: z.boolean().default(false) }),
  check: z
    .strictObject({
      ...common,
      symbol: symbol.optional(),
      interval: interval.optional(),
      'min-zero-run': z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.number().int().min(1)).default(3),
      json: z.boolean().default(false),
    })
    .refine((a) => a.interval === undefined || a.symbol !== undefined, { path: ['interval'], message: 'needs --symbol' }),
} as const;

const OPTIONS: Record<Command, Record<string, { type: 'string' | 'boolean' }>> = {
  import: { file: { type: 'string' }, symbol: { type: 'string' }, interval: { type: 'string' }, 'skip-bad-rows': { type: 'boolean' } },
  download: { symbol: { type: 'string' }, interval: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, venue: { type: 'string' }, 'rest-url': { type: 'string' } },
  list: { json: { type: 'boolean' } },
  check: { symbol: { type: 'string' }, interval: { type: 'string' }, 'min-zero-run': { type: 'string' }, json: { type: 'boolean' } },
};

export type Parsed =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'problems'; readonly problems: readonly string[]; readonly usage: string }
  | { readonly [C in Command]: { readonly kind: 'run'; readonly command: C; readonly args: z.infer<(typeof SCHEMAS)[C]> } }[Command];

export function parseDataArgs(argv: readonly string[]): Parsed {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { kind: 'help', text: USAGE.tool };
  if (!(COMMANDS as readonly string[]).includes(first)) {
    return { kind: 'problems', problems: [`${first}: unknown command (expected ${COMMANDS.join(', ')})`], usage: USAGE.tool };
  }
  const command = first as Command;
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: [...rest],
      strict: true,
      allowPositionals: false,
      options: { ...OPTIONS[command], 'history-dir': { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (error) {
    return { kind: 'problems', problems: [error instanceof Error ? error.message : String(error)], usage: USAGE[command] };
  }
  if (values['help'] === true) return { kind: 'help', text: USAGE[command] };
  const result = SCHEMAS[command].safeParse(values);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      if (i.code === 'unrecognized_keys') return `${i.keys.map((k) => `--${k}`).join(', ')}: unknown option`;
      const missing = i.code === 'invalid_type' && i.message.endsWith('received undefined');
      return `--${i.path.join('.')}: ${missing ? 'is required' : i.message}`;
    });
    return { kind: 'problems', problems, usage: USAGE[command] };
  }
  return { kind: 'run', command, args: result.data } as Parsed;
}
