/**
 * Command-line flags of `npm start` and the config tools. Flags are the highest
 * configuration layer; anything unknown is an error (exit 2), like an unknown config key.
 */
export interface CliArgs {
  readonly configPath?: string;
  /** Run for this long (real time), then shut down gracefully and exit 0. */
  readonly durationMs?: number;
  readonly port?: number;
  /** Dry-run exchange transport: 'wire' (bybit-api over HTTP/WS to the simulator server) or 'inproc'. */
  readonly exchange?: 'wire' | 'inproc';
  /** Dry-run replay of stored candles: SYMBOL:INTERVAL series (simulator.history.series). */
  readonly history?: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly historyDir?: string;
  /** simulator.speed */
  readonly speed?: number;
  /** simulator.clock */
  readonly clock?: 'accelerated' | 'lockstep';
  readonly help: boolean;
}

/** The replay flags as a configuration layer (they override the file and the environment). */
export function simulatorOverrides(args: CliArgs): Record<string, unknown> {
  const history = {
    ...(args.history ? { series: [...args.history] } : {}),
    ...(args.from ? { from: args.from } : {}),
    ...(args.to ? { to: args.to } : {}),
    ...(args.historyDir ? { dir: args.historyDir } : {}),
  };
  const simulator = {
    ...(Object.keys(history).length > 0 ? { history } : {}),
    ...(args.speed !== undefined ? { speed: args.speed } : {}),
    ...(args.clock ? { clock: args.clock } : {}),
  };
  return Object.keys(simulator).length > 0 ? { simulator } : {};
}

export type ParseResult = { ok: true; args: CliArgs } | { ok: false; problems: string[] };

/** "30s", "2m", "1h", "500ms" or a bare number of seconds. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return null;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  const ms = Math.round(value * factor);
  return ms > 0 ? ms : null;
}

export function parseArgs(argv: readonly string[]): ParseResult {
  const problems: string[] = [];
  let configPath: string | undefined;
  let durationMs: number | undefined;
  let port: number | undefined;
  let exchange: 'wire' | 'inproc' | undefined;
  let help = false;
  const extra: { history?: string[]; from?: string; to?: string; historyDir?: string; speed?: number; clock?: 'accelerated' | 'lockstep' } = {};
  const iso = (flag: string, v: string | undefined): string | undefined => {
    if (v && /^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v))) return v;
    problems.push(`${flag}: expected an ISO-8601 UTC time such as 2023-01-01T00:00:00Z`);
    return undefined;
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];

    switch (flag) {
      case '--help':
      case '-h':
        help = true;
        break;
      case '--config': {
        const v = value();
        if (!v) problems.push('--config: expected a file path');
        else configPath = v;
        break;
      }
      case '--duration': {
        const v = value();
        const ms = v === undefined ? null : parseDuration(v);
        if (ms === null) problems.push(`--duration: expected a duration such as 30s, 5m or 1h`);
        else durationMs = ms;
        break;
      }
      case '--port': {
        const v = value();
        const n = v === undefined ? NaN : Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65_535) problems.push('--port: expected an integer from 0 to 65535');
        else port = n;
        break;
      }
      case '--exchange': {
        const v = value();
        if (v !== 'wire' && v !== 'inproc') problems.push('--exchange: expected "wire" or "inproc"');
        else exchange = v;
        break;
      }
      case '--history': {
        const v = value();
        const series = (v ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
        const bad = series.filter((x) => !/^[A-Z0-9]{2,24}USDT:(1|3|5|15|30|60|120|240|360|720)$/.test(x));
        if (series.length === 0 || bad.length > 0) problems.push(`--history: expected SYMBOL:INTERVAL[,...] such as BTCUSDT:60,ETHUSDT:60${bad.length > 0 ? ` (bad: ${bad.join(', ')})` : ''}`);
        else extra.history = series;
        break;
      }
      case '--from': {
        const v = iso('--from', value());
        if (v) extra.from = v;
        break;
      }
      case '--to': {
        const v = iso('--to', value());
        if (v) extra.to = v;
        break;
      }
      case '--history-dir': {
        const v = value();
        if (!v) problems.push('--history-dir: expected a directory');
        else extra.historyDir = v;
        break;
      }
      case '--speed': {
        const v = value();
        const n = v === undefined ? NaN : Number(v);
        if (!(n > 0 && n <= 100_000)) problems.push('--speed: expected a number > 0 (simulated ms per real ms, at most 100000)');
        else extra.speed = n;
        break;
      }
      case '--clock': {
        const v = value();
        if (v !== 'accelerated' && v !== 'lockstep') problems.push('--clock: expected "accelerated" or "lockstep"');
        else extra.clock = v;
        break;
      }
      default:
        problems.push(`${arg}: unknown argument (try --help)`);
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, args: { configPath, durationMs, port, ...(exchange ? { exchange } : {}), ...extra, help } };
}

export const USAGE = `Usage: npm start -- [options]

  --config PATH      YAML or JSON configuration file (or set BYBOT_CONFIG)
  --duration TIME    run for TIME (e.g. 30s, 5m, 1h), then stop gracefully and exit 0
  --port N           HTTP port (0 picks a free port); overrides http.port
  --exchange MODE    dry-run transport: wire (default; bybit-api against the simulator
                     server on 127.0.0.1) or inproc (direct calls, fastest);
                     overrides exchange.transport
  --history S:I,...  dry-run on stored candles (the history store) instead of the
                     generated market, e.g. BTCUSDT:60,ETHUSDT:60 (simulator.history.series)
  --from ISO         where the replay starts (simulator.history.from); --to ISO where it ends
  --history-dir DIR  the history store (default <journal.dataDir>/history)
  --speed X          simulated ms per real ms (simulator.speed; lock-step: at most)
  --clock MODE       accelerated (default) or lockstep (inproc only: time moves only when
                     every actor is idle; the trades of npm run backtest -- --engine actors)
  --help             show this help

Environment: DRY_RUN, BYBIT_API_KEY, BYBIT_API_SECRET and BYBOT_<SECTION>_<KEY>
(for example BYBOT_HTTP_PORT=9090, BYBOT_LOG_LEVEL=debug). See README.md.`;
