import type { AdmitTicket } from '../orders/orderManager.ts';
import { randomBytes } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import type { AppConfig } from '../../config/schema.ts';
import { AcceleratedClock } from '../clock/acceleratedClock.ts';
import { SystemClock } from '../clock/systemClock.ts';
import { hashString, mulberry32 } from '../core/rng.ts';
import type { Interval } from '../domain/types.ts';
import { startExchangeSimServer, type ExchangeSimServer } from '../exchangeSim/index.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Clock } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import { createSimExchange, type SimExchange } from '../sim/index.ts';
import { createBybitExchange, type BybitExchange } from './bybit/createBybitExchange.ts';
import { resolveEndpoints, wsStreamUrls } from './bybit/venues.ts';
import { withDeadline } from './deadlinePort.ts';
import { syncedSimClock } from './simClock.ts';
import { lockStepConfig, planSimulatorReplay } from './simulatorReplay.ts';
import { createLockStepRun, PacedLockStepDriver } from '../clock/lockStepRun.ts';
import { actorOrderOf, createReplayFromInput } from '../backtest/replayInput.ts';
import type { BacktestInput } from '../backtest/input.ts';
import { buildSystemInput } from '../runtime/systemInput.ts';

/**
 * Picks the exchange and the clock for the configuration:
 * - dry-run, transport 'inproc': the simulator's port, called directly;
 * - dry-run, transport 'wire' (default): the simulator served over the Bybit V5 wire
 *   protocol on 127.0.0.1:0 in this process, and the bybit-api adapter pointed at it;
 * - venue 'local' (dry-run or live): an external simulator server, clock synchronised
 *   from its /__sim/clock;
 * - live: the adapter against mainnet, testnet or demo, on the system clock.
 */
export interface BuiltExchange {
  readonly port: ExchangePort;
  readonly clock: Clock;
  readonly venueLabel: string;
  readonly simulator?: SimExchange;
  readonly simServer?: ExchangeSimServer;
  readonly bybit?: BybitExchange;
  /** The configuration the runtime must use when the exchange changed it (a replay fits the presets to the data). */
  readonly config?: AppConfig;
  /** Lock-step: the admission gate for the runtime's entries (src/clock/lockStepRun.ts). */
  readonly admitEntry?: (entry: AdmitTicket) => Promise<void>;
  /** Lock-step: starts moving simulated time; call once the runtime has started. */
  startClock?(): void;
  /** Lock-step: time also waits while `busy` (the runtime's close dispatch, see LockStepRun.holdWhile). */
  holdClockWhile?(busy: () => boolean): void;
  close(): Promise<void>;
}

export interface BuildExchangeOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Tests inject a ManualClock. */
  readonly clock?: Clock;
  /** DNS lookup of the Bybit adapter's REST and WS clients (tests: fake host names, injected DNS failures). */
  readonly lookup?: LookupFunction;
}

const MINUTE = 60_000;

function simulatorStart(config: AppConfig): number {
  // The one wall-clock read of dry-run: simulated time starts "now" unless configured.
  return config.simulator.startTime === 'now' ? Math.floor(Date.now() / MINUTE) * MINUTE : Date.parse(config.simulator.startTime);
}

function buildSimulator(config: AppConfig, clock: Clock, epoch: number): SimExchange {
  // Every preset's symbols are listed, whatever simulator.instruments says.
  const instruments = [...new Set([...config.simulator.instruments, ...config.strategies.flatMap((p) => p.symbols)])];
  return createSimExchange({
    instruments,
    gaps: config.simulator.gaps,
    fillModel: config.simulator.fillModel,
    clock,
    seed: config.simulator.seed,
    origin: epoch - Math.round(config.simulator.historyDays * 1440) * MINUTE,
    initialBalance: config.simulator.initialBalance,
    takerFeeRate: config.simulator.takerFeeRate,
    makerFeeRate: config.simulator.makerFeeRate,
    slippageBps: config.simulator.slippageBps,
    fundingRate: config.simulator.fundingRate,
    regimes: Object.fromEntries(Object.entries(config.simulator.regimes).map(([symbol, regime]) => [symbol, regime])),
    faults: config.simulator.faults,
  });
}

interface AdapterTarget {
  readonly venue: string;
  readonly restUrls: readonly string[];
  readonly wsPublicUrl: string;
  readonly wsPrivateUrl: string;
  readonly wsTradeUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
}

async function startAdapter(target: AdapterTarget, o: BuildExchangeOptions, clock: Clock): Promise<BybitExchange> {
  const { config, logger, metrics } = o;
  const ex = config.exchange;
  const bybit = createBybitExchange({
    venue: target.venue,
    restUrls: target.restUrls,
    wsPublicUrl: target.wsPublicUrl,
    wsPrivateUrl: target.wsPrivateUrl,
    wsTradeUrl: target.wsTradeUrl,
    orderTransport: ex.orderTransport,
    credentials: { apiKey: target.apiKey, apiSecret: target.apiSecret },
    recvWindowMs: ex.recvWindowMs,
    requestTimeoutMs: ex.requestTimeoutMs,
    retry: { maxRetries: ex.maxRetries, baseMs: ex.retryBaseMs, maxMs: ex.retryMaxMs },
    failbackProbeMs: ex.failbackProbeMs,
    heartbeatMs: ex.heartbeatMs,
    candleTtlMs: ex.candleTtlMs,
    tickerTtlMs: ex.tickerTtlMs,
    clock,
    timers: new SystemClock(),
    random: mulberry32(hashString(`bybit:${config.simulator.seed}`)),
    logger,
    metrics,
    credentialSwapTimeoutMs: config.secrets.rotation.checkTimeoutMs,
    ...(o.lookup ? { lookup: o.lookup } : {}),
  });
  await bybit.start();
  if (ex.streams) subscribeStreams(bybit, config, logger);
  return bybit;
}

/**
 * `simulator.clock: lockstep` (inproc): the replay on the lock-step clock, paced by
 * simulator.speed, with the actor engine's admission gate and account-check grid, so the
 * run makes the trades `npm run backtest -- --engine actors` makes on the same input.
 */
function buildLockStep(o: BuildExchangeOptions, input: BacktestInput, market: string): BuiltExchange {
  const { config, logger } = o;
  const runtimeConfig = lockStepConfig(input);
  let simulator: SimExchange | undefined;
  const run = createLockStepRun(input.from, actorOrderOf(buildSystemInput(runtimeConfig, input.from)), (clock) => {
    simulator = createReplayFromInput(input, clock);
    simulator.faults.forbidLatency('lock-step time has zero latency by design; latencyMs works with the accelerated clock');
    return withDeadline(simulator.port, clock, config.exchange.requestTimeoutMs);
  });
  const driver = new PacedLockStepDriver(run.clock, {
    speed: config.simulator.speed,
    end: input.to,
    onEnd: () => logger.info({ event: 'replay_end', time: new Date(input.to).toISOString() }, `lock-step replay reached its end (${new Date(input.to).toISOString()}); simulated time stops here`),
  });
  return {
    port: run.port,
    clock: run.clock,
    venueLabel: `built-in simulator in process (${market}, lock-step time, at most ${config.simulator.speed}x)`,
    simulator: simulator!,
    config: runtimeConfig,
    admitEntry: run.admitEntry,
    holdClockWhile: run.holdWhile,
    startClock: () => driver.start(),
    close: () => driver.stop(),
  };
}

/** Subscribes what the configured presets trade; events are counted at debug level until the order manager consumes them. */
function subscribeStreams(bybit: BybitExchange, config: AppConfig, logger: Logger): void {
  const seen = new Set<string>();
  for (const preset of config.strategies.filter((p) => p.enabled)) {
    const interval = (preset.params as { interval?: Interval }).interval ?? '5';
    for (const symbol of preset.symbols) {
      if (seen.has(`${symbol}:${interval}`)) continue;
      seen.add(`${symbol}:${interval}`);
      bybit.streams.subscribeKlines(symbol, interval);
      bybit.streams.subscribeTickers(symbol);
    }
  }
  bybit.streams.subscribePrivate();
  bybit.streams.on('connection', (e) => logger.debug({ event: 'ws_connection', stream: e.stream, state: e.state }, `${e.stream} websocket ${e.state}`));
}

export async function buildExchange(o: BuildExchangeOptions): Promise<BuiltExchange> {
  const { config, logger } = o;
  const ex = config.exchange;

  if (config.mode === 'dry-run' && ex.venue !== 'local') {
    const replay = await planSimulatorReplay(config);
    for (const line of replay?.skipped ?? []) logger.warn({ event: 'replay_preset_skipped', reason: line }, `preset left out of the replay: ${line}`);
    const market = replay
      ? `${replay.input.market === 'history' ? 'stored candles' : `the seeded synthetic candles (seed ${config.simulator.seed})`} from ${new Date(replay.input.from).toISOString()} to ${new Date(replay.input.to).toISOString()}`
      : `seed ${config.simulator.seed}`;
    if (replay && config.simulator.clock === 'lockstep') return buildLockStep(o, replay.input, market);
    const epoch = replay ? replay.input.from : simulatorStart(config);
    const clock = o.clock ?? new AcceleratedClock(epoch, config.simulator.speed);
    const simulator = replay ? createReplayFromInput(replay.input, clock) : buildSimulator(config, clock, epoch);
    const runtimeConfig = replay ? { config: replay.input.config } : {};
    const simLabel = `built-in simulator (${market}, ${config.simulator.speed}x time)`;
    if (ex.transport === 'inproc') {
      return { port: withDeadline(simulator.port, clock, ex.requestTimeoutMs), clock, venueLabel: simLabel, simulator, ...runtimeConfig, close: async () => undefined };
    }
    // The generated account lives only as long as this process.
    const account = { apiKey: `sim-${randomBytes(6).toString('hex')}`, apiSecret: randomBytes(18).toString('hex') };
    const simServer = await startExchangeSimServer({ sim: simulator, clock, port: config.simulator.serverPort, accounts: [account], logger: logger.child({ component: 'exchange-sim' }) });
    try {
      const ws = wsStreamUrls(simServer.wsUrl);
      const bybit = await startAdapter({ venue: 'simulator', restUrls: [simServer.url], wsPublicUrl: ws.publicUrl, wsPrivateUrl: ws.privateUrl, wsTradeUrl: ws.tradeUrl, ...account }, o, clock);
      return {
        port: bybit.port,
        clock,
        venueLabel: `built-in simulator over the Bybit V5 wire protocol at ${simServer.url} (${market}, ${config.simulator.speed}x time)`,
        simulator,
        simServer,
        bybit,
        ...runtimeConfig,
        async close() {
          await bybit.close();
          await simServer.close();
        },
      };
    } catch (error) {
      await simServer.close();
      throw error;
    }
  }

  const endpoints = resolveEndpoints(ex.venue, ex.restUrls, ex.wsUrl);
  const clock = o.clock ?? (ex.venue === 'local' ? await syncedSimClock(endpoints.restUrls, ex.requestTimeoutMs) : new SystemClock());
  const venue = ex.venue === 'local' ? 'bybit-local' : `bybit-${ex.venue}`;
  const bybit = await startAdapter({ venue, ...endpoints, apiKey: ex.apiKey, apiSecret: ex.apiSecret }, o, clock);
  return {
    port: bybit.port,
    clock,
    venueLabel: ex.venue === 'local' ? `external simulator server at ${endpoints.restUrls[0]} (Bybit V5 wire protocol)` : `Bybit ${ex.venue} (${endpoints.restUrls.join(', ')})`,
    bybit,
    close: () => bybit.close(),
  };
}
