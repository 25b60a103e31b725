import type { LookupFunction } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/schema.ts';
import type { Clock } from './ports/clock.ts';
import type { ExchangePort } from './ports/exchange.ts';
import { SystemClock } from './clock/systemClock.ts';
import { hashString, mulberry32, type Random } from './core/rng.ts';
import { getStrategy } from './core/strategy/registry.ts';
import { abortable, type AbortablePort } from './exchange/abortablePort.ts';
import { buildExchange, type BuiltExchange } from './exchange/buildExchange.ts';
import { instrumented } from './exchange/instrumentedPort.ts';
import type { Logger } from './observability/logger.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { Runtime, type ShutdownReport } from './runtime/createRuntime.ts';
import { bybitAccountStream, simulatorAccountStream } from './runtime/accountStreams.ts';
import { applyHeapGrowth, applySemiSpaceGrowth } from './runtime/heapGrowth.ts';
import { pollingCandleSource, streamCandleSource } from './runtime/market/candleSource.ts';
import { streamLastPrices } from './runtime/lastPrices.ts';
import { freshAccountPerRun, openJournal, resolveDataDir } from './journal/openJournal.ts';
import { ensureDir } from './journal/dataDir.ts';
import { HealthMonitor } from './runtime/health.ts';
import { startupStep } from './runtime/startupStep.ts';
import { buildServer } from './http/server.ts';
import { resolveControlToken, type ControlToken } from './http/access/controlToken.ts';
import { assertPortFree, portInUse } from './http/portCheck.ts';
import { simulatorControl } from './http/simulatorRoutes.ts';
import { registerHandoverRoute } from './deploy/handoverRoute.ts';
import type { SimExchange } from './sim/index.ts';
import type { WriterLock } from './journal/writerLock.ts';
import type { SecretResolver } from './secrets/provider.ts';
import { codeVersion } from './deploy/instanceFiles.ts';
import { runStandby } from './deploy/standby.ts';
import { createServiceNotifier } from './deploy/systemd/serviceHooks.ts';
import { activate, type ActiveParts } from './deploy/activeInstance.ts';
import { reloadKeepingSecrets, resolveStartupSecrets, type StartupSecrets } from './deploy/startupSecrets.ts';
import type { KeyRotation, RotationResult, RotationTrigger } from './secrets/keyRotation.ts';
import type { LoadResult } from '../config/load.ts';
import { createCockpit, type Cockpit } from './cockpit/cockpit.ts';
import { appHandle } from './appHandle.ts';

export type { ShutdownReport } from './runtime/createRuntime.ts';

export interface AppOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** Where the configuration came from, for the start-up line. */
  readonly sources?: readonly string[];
  /** Tests inject a ManualClock; otherwise dry-run accelerates time and live uses the wall clock. */
  readonly clock?: Clock;
  /** Tests inject an exchange; otherwise dry-run builds the simulator from config. */
  readonly exchange?: ExchangePort;
  readonly random?: Random;
  /** Skip listening on a socket (tests use app.server.inject). */
  readonly listen?: boolean;
  /** Environment of the secrets providers and of systemd's NOTIFY_SOCKET / CREDENTIALS_DIRECTORY (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--standby`: connect and check, then wait for the journal's writer lock before trading. */
  readonly standby?: boolean;
  /** Aborts a standby's wait (a stop request before it took over). */
  readonly signal?: AbortSignal;
  /** Directory of the running code (its package.json version goes into the instance files); default the working directory. */
  readonly codeDir?: string;
  /** Re-reads the configuration as at start-up (file, environment, flags): POST /config/reload and SIGHUP. */
  readonly reloadConfig?: () => LoadResult;
  /** DNS lookup for the Bybit adapter (tests inject DNS failures with createFaultyLookup). */
  readonly exchangeLookup?: LookupFunction;
  /** Wall clock of the cockpit's sampling, delivery retries and Telegram pacing (tests may inject one). */
  readonly timers?: Clock;
}

/** What a shutdown past its deadline cut off. */
export interface AbortReport {
  readonly abortedRequests: number;
  readonly notSent: number;
  readonly pendingOrders: number;
}

export interface App {
  readonly config: AppConfig;
  readonly runtime: Runtime;
  readonly server: FastifyInstance;
  readonly health: HealthMonitor;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly exchange: ExchangePort;
  readonly simulator?: SimExchange;
  /** Alerts, Telegram, reload and shadow, dashboard. */
  readonly cockpit: Cockpit;
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:8080 (empty when not listening). */
  readonly url: string;
  /** The data directory in use (journal, control token, logs). */
  readonly dataDir: string;
  /** Where the generated control token lives (null when http.controlToken is configured). */
  readonly controlTokenPath: string | null;
  /** The journal file (null when the journal is off). */
  readonly journalPath: string | null;
  /** Secrets as resolved at start-up and by later rotations (by their catalog names). */
  readonly secrets: SecretResolver;
  /** Exchange key rotation (null without an exchange key: the in-process simulator). */
  readonly keyRotation: KeyRotation | null;
  /** Reads the exchange key again and swaps it in when it changed (SIGHUP calls this). */
  rotateSecrets(trigger: RotationTrigger): Promise<RotationResult>;
  /** Called when POST /control/handover asked this instance to hand over (default: stop). */
  onHandover(listener: (reason: string) => void): void;
  /** Graceful stop within shutdown.deadlineMs; the report says what was cut short. */
  stop(): Promise<ShutdownReport>;
  /** Past the deadline: abort every exchange call in flight, mark unsent intents, close the journal. */
  abort(reason: string): AbortReport;
}

/**
 * Composition root: picks the clock and the exchange for the mode (buildExchange: the
 * in-process simulator, the simulator over the Bybit wire protocol, an external simulator
 * server, or Bybit itself), decorates the port (abort on shutdown, metrics), builds the
 * runtime and the HTTP server, and starts them in order, each step under
 * startup.deadlineMs: data directory, control token, exchange, journal, exchange
 * self-check, HTTP, then the actors.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { logger } = options;
  const env = options.env ?? process.env;
  const deadline = options.config.startup.deadlineMs;
  const metrics = createMetrics();
  const random = options.random ?? mulberry32(hashString(`runtime:${options.config.simulator.seed}`));

  const dataDir = await startupStep('dataDir', deadline, () => ensureDir(resolveDataDir(options.config)));
  // Secrets first: the exchange key, the HTTP tokens, the Telegram token may come from the provider.
  const secrets = await resolveStartupSecrets({ config: options.config, logger, env, standby: options.standby === true, exchangeInjected: options.exchange !== undefined });
  const { config, provider } = secrets;
  // Before the actors allocate anything: bounds the garbage the heap may hold (README, limits.heapGrowingPercent).
  applyHeapGrowth(config.limits.heapGrowingPercent);
  applySemiSpaceGrowth(config.limits.semiSpaceGrowthFactor);
  const controlToken = await startupStep('http.controlToken', deadline, () => resolveControlToken(config.http, dataDir));
  if (controlToken.path) {
    logger.info(
      { event: 'control_token', source: controlToken.source, path: controlToken.path },
      `control token ${controlToken.source === 'generated' ? 'generated into' : 'read from'} ${controlToken.path}: POST endpoints need "Authorization: Bearer <that file's content>"`,
    );
  }

  if (options.listen !== false) await startupStep('http.port', deadline, () => assertPortFree(config.http.host, config.http.port));

  let clock: Clock;
  let rawExchange: ExchangePort;
  let built: BuiltExchange | undefined;
  if (options.exchange) {
    clock = options.clock ?? new SystemClock();
    rawExchange = options.exchange;
  } else {
    built = await startupStep('exchange.connect', deadline, () => buildExchange({ config, logger, metrics, ...(options.clock ? { clock: options.clock } : {}), ...(options.exchangeLookup ? { lookup: options.exchangeLookup } : {}) }));
    clock = built.clock;
    rawExchange = built.port;
  }
  const simulator = built?.simulator;
  try {
    return await startRuntime(options, { config, env, metrics, random, clock, rawExchange, built, simulator, dataDir, controlToken, secrets });
  } catch (error) {
    // Close the exchange's sockets and the simulator server: a failed start must not leak them.
    await built?.close().catch(() => undefined);
    provider.close();
    throw error;
  }
}

interface StartParts {
  readonly config: AppConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly secrets: StartupSecrets;
  readonly metrics: Metrics;
  readonly random: Random;
  readonly clock: Clock;
  readonly rawExchange: ExchangePort;
  readonly built: BuiltExchange | undefined;
  readonly simulator: SimExchange | undefined;
  readonly dataDir: string;
  readonly controlToken: ControlToken;
}

async function startRuntime(options: AppOptions, parts: StartParts): Promise<App> {
  const { logger } = options;
  const { metrics, random, clock, rawExchange, built, simulator, dataDir, controlToken } = parts;
  // A replay fits the presets to its data (and lock-step sets the account-check grid): the runtime runs on that.
  const config = built?.config ?? parts.config;
  const deadline = config.startup.deadlineMs;
  let health: HealthMonitor | undefined;
  const calls: AbortablePort = abortable(rawExchange);
  const exchange = instrumented(calls.port, metrics, (operation, error) => health?.observe(operation, error));
  health = new HealthMonitor(exchange, logger, config.health.exchangeProbeMs, config.exchange.requestTimeoutMs);
  const monitor = health;
  const codeDir = options.codeDir ?? process.cwd();
  const service = createServiceNotifier(parts.env, logger);
  // --standby: connected and checked, then the wait for the journal's writer lock (nothing trades before).
  const standby = options.standby
    ? await runStandby({ config, logger, health: monitor, exchange, controlToken: controlToken.token, version: codeVersion(codeDir), codeDir, ...(options.signal ? { signal: options.signal } : {}), ...(service ? { publish: (view: Parameters<typeof service.setView>[0]) => service.setView(view) } : {}) }).catch((error: unknown) => {
        monitor.stop();
        service?.close();
        throw error;
      })
    : null;
  const lock: WriterLock | undefined = standby?.lock;
  const promotedAfterMs = standby ? standby.waitedMs : null;
  // Integrity is checked here: a corrupt journal stops the start-up before any actor exists.
  const journal = await startupStep('journal.open', deadline, () => openJournal(config, logger, lock));
  try {
    // Over the Bybit adapter the public kline stream's confirm starts the cycles. The in-process
    // simulator is read at each close behind its own fault gate only: the request decorators
    // (deadline timer, abort, metrics) were two thirds of confirming 60 closes (issue 13 trace).
    // Lock-step keeps its reads as they were; otherwise (streams off) through the port.
    const inproc = built?.bybit ? undefined : simulator;
    const candleSource = built?.bybit && config.exchange.streams
      ? streamCandleSource(built.bybit.streams)
      : inproc && !built?.holdClockWhile ? pollingCandleSource({ exchange: inproc.port, clock, confirmDelayMs: config.actor.tickDelayMs, logger }) : undefined;
    // The pre-send stop check's price: the public streams, or the in-process venue's own.
    const streamPrices = built?.bybit && config.exchange.streams ? streamLastPrices(built.bybit.streams, clock) : undefined;
    const inprocMarket = inproc?.market;
    const lastPrice = streamPrices?.price ?? (inprocMarket ? (symbol: string) => safePrice(() => inprocMarket.lastPrice(symbol)) : undefined);
    const runtime = new Runtime({
      config,
      exchange,
      clock,
      logger,
      metrics,
      random,
      resolveStrategy: getStrategy,
      freshAccount: options.exchange === undefined && freshAccountPerRun(config),
      ...(journal ? { journal } : {}),
      ...(candleSource ? { candleSource } : {}),
      ...(lastPrice ? { lastPrice } : {}),
      ...(built?.admitEntry ? { admitEntry: built.admitEntry } : {}),
      // Lock-step (as --engine actors): the account read exactly at each instant, a close
      // dispatched to every actor in one pass, and time held until it was.
      ...(built?.holdClockWhile ? { accountPolledMaxAgeMs: 0, dispatchSliceMs: Number.POSITIVE_INFINITY } : {}),
    });
    built?.holdClockWhile?.(() => runtime.market.busy());
    const feeds: (() => void)[] = [];
    // Channel alerts go to the journal too.
    if (built?.bybit) feeds.push(runtime.journalAlerts(built.bybit.alerts));
    if (streamPrices) feeds.push(() => streamPrices.close());
    // Push updates (private streams, or the in-process engine) keep the journal current.
    if (built?.bybit) feeds.push(runtime.followAccount(bybitAccountStream(built.bybit.streams)));
    else if (simulator) feeds.push(runtime.followAccount(simulatorAccountStream(simulator.engine)));
    if (!options.standby) await startupStep('exchange.selfCheck', deadline, () => monitor.start());
    if (!health.exchangeStatus().ok) {
      logger.warn({ event: 'self_check', exchange: health.exchangeStatus() }, 'start-up self-check: the exchange does not answer yet; /ready stays 503 until it does');
    }

    const bybit = built?.bybit;
    let cockpitRef: Cockpit | undefined;
    const cockpit = await startupStep('cockpit', deadline, () =>
      createCockpit({
        config,
        logger,
        clock,
        metrics,
        runtime,
        health: monitor,
        exchange,
        venue: built?.venueLabel ?? exchange.venue,
        ...(journal ? { journal } : {}),
        ...(bybit ? { bybit: { alerts: bybit.alerts, clockSync: bybit.clockSync, rest: bybit.rest } } : {}),
        ...(options.reloadConfig ? { reloadConfig: reloadKeepingSecrets(options.reloadConfig, () => cockpitRef?.live.get() ?? config) } : {}),
        ...(options.timers ? { timers: options.timers } : {}),
      }),
    );
    cockpitRef = cockpit;
    let handoverListener: ((reason: string) => void) | null = null;
    let beginHandover: (reason: string) => void = () => undefined;
    const server = await buildServer({
      cockpit,
      extraRoutes: (app) => registerHandoverRoute(app, { dbPath: journal ? journal.path : null, logger, begin: (reason) => beginHandover(reason) }),
      config,
      runtime,
      health,
      metrics,
      clock,
      logger,
      venue: exchange.venue,
      controlToken: controlToken.token,
      ...(simulator ? { simulator: simulatorControl(simulator, built?.simServer) } : {}),
    });
    let url = '';
    if (options.listen !== false) {
      url = await startupStep('http.listen', deadline, () => listen(server, config));
    } else {
      await server.ready();
    }
    runtime.start();
    // Lock-step and replays: simulated time starts once the actors exist.
    built?.startClock?.();
    cockpit.start();
    logStartup(options, config, built, exchange, runtime, cockpit, url);
    const active: ActiveParts = activate({ config, logger, metrics, runtime, clock, feeds, health, journal, built, secrets: parts.secrets.secrets, provider: parts.secrets.provider, service, cockpit, url, codeDir, promotedAfterMs });
    const app = appHandle({ config, runtime, server, health, metrics, clock, exchange, simulator, cockpit, url, dataDir, controlToken, calls, built, journal, logger, active });
    beginHandover = (reason) => {
      cockpit.alerts.observe([{ kind: 'event', oneShot: true, key: `deploy:handover:${process.pid}`, priority: 'P3', source: 'deploy', title: 'Handover: this instance stops trading', message: `pid ${process.pid} hands trading over (${reason})` }]);
      if (handoverListener) handoverListener(reason);
      else void app.stop();
    };
    app.onHandover = (listener) => {
      handoverListener = listener;
    };
    return app;
  } catch (error) {
    health?.stop();
    service?.close();
    journal?.close();
    throw error;
  }
}

async function listen(server: FastifyInstance, config: AppConfig): Promise<string> {
  try {
    return await server.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    await server.close().catch(() => undefined);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw portInUse(config.http.host, config.http.port);
    throw error;
  }
}

function logStartup(options: AppOptions, config: AppConfig, built: BuiltExchange | undefined, exchange: ExchangePort, runtime: Runtime, cockpit: Cockpit, url: string): void {
  const { logger } = options;
  const modeLabel = config.mode === 'dry-run' ? 'DRY-RUN' : 'LIVE';
  const venueLabel = built?.venueLabel ?? exchange.venue;
  const actors = runtime.registry.list().map((e) => e.actorId);
  logger.info(
    {
      event: 'startup',
      mode: modeLabel,
      venue: venueLabel,
      configSources: options.sources ?? [],
      actors,
      endpoints: url ? { health: `${url}/health`, ready: `${url}/ready`, actors: `${url}/actors`, metrics: `${url}/metrics`, status: `${url}/status`, viz: `${url}/viz`, dashboard: `${url}/dashboard`, alerts: `${url}/alerts` } : {},
      configVersion: cockpit.live.version(),
      telegram: config.telegram.enabled,
    },
    `bybot ${modeLabel} on ${venueLabel}: ${actors.length} actors; HTTP ${url || '(not listening)'} (/health /ready /actors /metrics /status /viz /dashboard /alerts)`,
  );
}

/** A symbol the in-process venue does not list has no price: the pre-send check then passes. */
function safePrice(read: () => number): number | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
