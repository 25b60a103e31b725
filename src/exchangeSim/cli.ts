import pino from 'pino';
import { AcceleratedClock } from '../clock/acceleratedClock.ts';
import { createSimExchange } from '../sim/index.ts';
import { AppConfigSchema } from '../../config/schema.ts';
import { createReplayFromInput } from '../backtest/replayInput.ts';
import { loadHistory } from '../backtest/historyData.ts';
import type { BacktestInput } from '../backtest/input.ts';
import { intervalMs } from '../domain/types.ts';
import { openHistoryStore, resolveHistoryDir } from '../history/index.ts';
import { parseSeries } from '../exchange/simulatorReplay.ts';
import { DEMO_API_SECRET, parseCliArgs, USAGE, type ExchangeSimCliArgs } from './cliArgs.ts';
import { loadScenario, startExchangeSimServer, type ScenarioFile } from './index.ts';
import { createLogger } from '../observability/logger.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * `--history`: the stored candles as a replay (the replay market of the actor engine), every
 * stored row before `--to` served (clients page the warm-up they need); funding from the
 * store, else --funding-rate; filters from the store, else Bybit's published ones.
 */
async function loadReplay(args: ExchangeSimCliArgs): Promise<BacktestInput> {
  const defaults = AppConfigSchema.parse({});
  const config = { ...defaults, simulator: { ...defaults.simulator, seed: args.seed, initialBalance: args.balance, fundingRate: args['funding-rate'] } };
  const series = parseSeries(args.history ?? []);
  const store = await openHistoryStore(resolveHistoryDir({ historyDir: args['history-dir'], config }));
  const from = Date.parse(args.from!);
  const infos = store.list().filter((i) => series.some((s) => s.symbol === i.symbol && s.interval === i.interval));
  for (const s of series) if (!infos.some((i) => i.symbol === s.symbol && i.interval === s.interval)) throw new Error(`nothing is stored for ${s.symbol}:${s.interval} in ${store.dir}`);
  const to = args.to ? Date.parse(args.to) : Math.max(...infos.map((i) => i.to + intervalMs(i.interval)));
  // Rows before `from` to load: all of them (loadHistory loads 3 x this many intervals back).
  const warmup = new Map(infos.map((i) => [`${i.symbol}:${i.interval}`, Math.ceil(Math.max(0, from - i.from) / intervalMs(i.interval) / 3) + 1]));
  const data = loadHistory(store, config, series, from, to, warmup);
  return { config, data, from, to, market: 'history', seed: null };
}

/** `npm run exchange-sim`: a Bybit V5 "testnet in a box" on loopback. */
async function main(): Promise<void> {
  const parsed = parseCliArgs(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(`exchange-sim: invalid arguments:\n${parsed.problems.map((p) => `  ${p}`).join('\n')}\n\n${USAGE}\n`);
    process.exit(2);
  }
  const args = parsed.args;
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let scenario: ScenarioFile | undefined;
  if (args.scenario) {
    try {
      scenario = await loadScenario(args.scenario);
    } catch (error) {
      process.stderr.write(`exchange-sim: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    }
  }
  // Logs go to stderr, in the bot's format (ISO times, level names, secrets redacted):
  // stdout carries the one JSON line a supervising script reads.
  const logger = createLogger({ level: process.env['LOG_LEVEL'] ?? 'info', pretty: 'never', service: 'exchange-sim', destination: pino.destination({ dest: 2, sync: true }) });
  const history = args.history ? await loadReplay(args) : null;
  const start = history ? history.from : args.start === 'now' ? Date.now() : Date.parse(args.start);
  const clock = new AcceleratedClock(start, args.speed);
  const origin = Math.floor((start - args['history-days'] * DAY) / MINUTE) * MINUTE;
  const sim = history
    ? createReplayFromInput(history, clock)
    : createSimExchange({
        clock,
        seed: args.seed,
        origin,
        initialBalance: args.balance,
        takerFeeRate: 0.00055,
        makerFeeRate: 0.0002,
        slippageBps: 2,
        fundingRate: args['funding-rate'],
        gaps: { perDay: args['gaps-per-day'], sizePct: 0.5 },
        ...(args.instruments ? { instruments: args.instruments } : {}),
        regimes: {},
        faults: { down: false, authRejected: false, latencyMs: 0, nanCandles: [], errorRate: 0 },
      });
  const server = await startExchangeSimServer({
    sim,
    clock,
    host: args.host,
    port: args.port,
    accounts: [{ apiKey: args['api-key'], apiSecret: args['api-secret'] }],
    scenario,
    logger,
    ...(args['admin-token'] ? { adminToken: args['admin-token'] } : {}),
    ...(args['allowed-hosts'] ? { allowedHosts: args['allowed-hosts'] } : {}),
  });
  const demo = args['api-secret'] === DEMO_API_SECRET;
  process.stdout.write(
    `${JSON.stringify({
      url: server.url,
      wsUrl: server.wsUrl,
      apiKey: args['api-key'],
      // Only the documented demo secret is ever printed.
      ...(demo ? { apiSecret: DEMO_API_SECRET } : {}),
      admin: `${server.url}/__sim/`,
      adminAuth: args['admin-token'] ? 'bearer token required' : 'loopback, no token',
      seed: args.seed,
      speed: args.speed,
      simNow: new Date(clock.now()).toISOString(),
      market: history ? { replay: args.history, from: new Date(history.from).toISOString(), to: new Date(history.to).toISOString() } : 'generated',
    })}\n`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'exchange-sim stopping');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'exchange-sim close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`exchange-sim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
