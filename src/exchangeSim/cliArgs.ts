import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isLoopbackHost } from '../../config/hosts.ts';

/** The demo credentials the README documents; printing these is harmless. */
export const DEMO_API_KEY = 'bybot-sim-key';
export const DEMO_API_SECRET = 'bybot-sim-secret';

export const USAGE = `Usage: npm run exchange-sim -- [options]

  --port N            TCP port on 127.0.0.1 (default 18080; 0 = any free port)
  --host H            listen address (default 127.0.0.1)
  --seed N            market seed (default 42)
  --speed X           simulated ms per real ms (default 1)
  --start ISO|now     simulated start time (default now)
  --history-days N    generated history before the start (default 3)
  --balance USDT      initial balance (default 10000)
  --scenario FILE     JSON or YAML fault scenario
  --instruments S,... listed symbols (default BTCUSDT,ETHUSDT,SOLUSDT); others answer 10001
  --funding-rate R    funding rate per 8 h settlement (default 0.0001)
  --gaps-per-day N    expected gaps in the generated price path per symbol-day (default 0)
  --history S:I,...   replay stored candles instead of the generated market, e.g. BTCUSDT:60,ETHUSDT:60
  --from ISO          where the replay starts (required with --history; simulated time starts there)
  --to ISO            where it ends (default: the end of the stored data)
  --history-dir DIR   the history store (default data/history)
  --api-key K         accepted API key (default ${DEMO_API_KEY})
  --api-secret S      its secret (default ${DEMO_API_SECRET})
  --admin-token T     bearer token of the /__sim admin endpoints (or EXCHANGE_SIM_ADMIN_TOKEN);
                      required with a --host that is not a loopback address
  --allowed-hosts H   comma-separated Host names the admin endpoints accept besides
                      the loopback names and --host
  --help`;

const number = (what: string) => z.string().trim().min(1, `expected ${what}`).transform(Number).pipe(z.number({ error: `expected ${what}` }).finite(`expected ${what}`));

const cliSchema = z
  .object({
    port: number('an integer from 0 to 65535').pipe(z.number().int().min(0).max(65_535)).default(18_080),
    host: z.string().min(1).default('127.0.0.1'),
    seed: number('an integer').pipe(z.number().int()).default(42),
    speed: number('a number > 0').pipe(z.number().positive().max(100_000)).default(1),
    start: z
      .string()
      .refine((v) => v === 'now' || (/^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v))), 'expected now or an ISO-8601 time such as 2026-01-01T00:00:00Z')
      .default('now'),
    'history-days': number('an integer 1..30').pipe(z.number().int().min(1).max(30)).default(3),
    balance: number('a number > 0').pipe(z.number().positive()).default(10_000),
    scenario: z.string().min(1).optional(),
    instruments: z
      .string()
      .transform((v) => v.split(',').map((x) => x.trim()).filter((x) => x !== ''))
      .pipe(z.array(z.string().regex(/^[A-Z0-9]{2,24}USDT$/, 'expected USDT symbols such as BTCUSDT')).min(1))
      .optional(),
    'funding-rate': number('a rate between -0.01 and 0.01').pipe(z.number().min(-0.01).max(0.01)).default(0.0001),
    'gaps-per-day': number('a number >= 0').pipe(z.number().min(0).max(1440)).default(0),
    history: z
      .string()
      .transform((v) => v.split(',').map((x) => x.trim()).filter((x) => x !== ''))
      .pipe(z.array(z.string().regex(/^[A-Z0-9]{2,24}USDT:(1|3|5|15|30|60|120|240|360|720)$/, 'expected SYMBOL:INTERVAL such as BTCUSDT:60')).min(1))
      .optional(),
    from: z.string().refine((v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v)), 'expected an ISO-8601 time').optional(),
    to: z.string().refine((v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v)), 'expected an ISO-8601 time').optional(),
    'history-dir': z.string().min(1).optional(),
    'api-key': z.string().min(1).default(DEMO_API_KEY),
    'api-secret': z.string().min(1).default(DEMO_API_SECRET),
    'admin-token': z.string().regex(/^[\x21-\x7e]{24,512}$/, 'expected at least 24 printable characters without spaces').optional(),
    'allowed-hosts': z
      .string()
      .transform((v) => v.split(',').map((h) => h.trim()).filter((h) => h !== ''))
      .optional(),
    help: z.boolean().default(false),
  })
  .strict();

export type ExchangeSimCliArgs = z.infer<typeof cliSchema>;
export type CliParse = { ok: true; args: ExchangeSimCliArgs } | { ok: false; problems: string[] };

export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliParse {
  let values: Record<string, unknown>;
  try {
    const parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        speed: { type: 'string' },
        start: { type: 'string' },
        'history-days': { type: 'string' },
        balance: { type: 'string' },
        scenario: { type: 'string' },
        instruments: { type: 'string' },
        'funding-rate': { type: 'string' },
        'gaps-per-day': { type: 'string' },
        history: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'history-dir': { type: 'string' },
        'api-key': { type: 'string' },
        'api-secret': { type: 'string' },
        'admin-token': { type: 'string' },
        'allowed-hosts': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    values = parsed.values;
    const envToken = env['EXCHANGE_SIM_ADMIN_TOKEN'];
    if (values['admin-token'] === undefined && envToken) values = { ...values, 'admin-token': envToken };
  } catch (error) {
    return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
  }
  const result = cliSchema.safeParse(values);
  if (result.success) {
    const a = result.data;
    // A custom key with the demo secret (or the reverse) is almost surely a mistake.
    if ((a['api-key'] === DEMO_API_KEY) !== (a['api-secret'] === DEMO_API_SECRET)) {
      return { ok: false, problems: ['--api-key and --api-secret: give both or neither'] };
    }
    if (!isLoopbackHost(a.host) && !a['admin-token']) {
      return { ok: false, problems: [`--host ${a.host} is not a loopback address: the /__sim admin endpoints need --admin-token (or EXCHANGE_SIM_ADMIN_TOKEN)`] };
    }
    if (a.history && !a.from) return { ok: false, problems: ['--from: required with --history (where the replay starts)'] };
    return { ok: true, args: a };
  }
  return { ok: false, problems: result.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`) };
}
