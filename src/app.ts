import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/schema.ts';
import type { Clock } from './ports/clock.ts';
import type { ExchangePort } from './ports/exchange.ts';
import { SystemClock } from './clock/systemClock.ts';
import { hashString, mulberry32, type Random } from './core/rng.ts';
import { getStrategy } from './core/strategy/registry.ts';
import { buildExchange, type BuiltExchange } from './exchange/buildExchange.ts';
import { instrumented } from './exchange/instrumentedPort.ts';
import type { Logger } from './observability/logger.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { Runtime } from './runtime/createRuntime.ts';
import { bybitAccountStream, simulatorAccountStream } from './runtime/accountStreams.ts';
import { streamCandleSource } from './runtime/market/candleSource.ts';
import { openJournal } from './journal/openJournal.ts';
import { HealthMonitor } from './runtime/health.ts';
import { buildServer } from './http/server.ts';
import type { SimulatorControl } from './http/simulatorRoutes.ts';
import type { SimExchange } from './sim/index.ts';

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
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:8080 (empty when not listening). */
  readonly url: string;
  stop(): Promise<void>;
}

function simulatorControl(sim: SimExchange): SimulatorControl {
  return {
    getFaults: () => sim.faults.get(),
    setFaults: (patch) => sim.faults.set(patch),
  };
}

/**
 * Composition root: picks the clock and the exchange for the mode (buildExchange: the
 * in-process simulator, the simulator over the Bybit wire protocol, an external simulator
 * server, or Bybit itself), decorates the port (metrics), builds the runtime and the HTTP server, and starts them in order:
 * exchange self-check, HTTP, then the actors.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const metrics = createMetrics();
  const random = options.random ?? mulberry32(hashString(`runtime:${config.simulator.seed}`));

  let clock: Clock;
  let rawExchange: ExchangePort;
  let built: BuiltExchange | undefined;
  if (options.exchange) {
    clock = options.clock ?? new SystemClock();
    rawExchange = options.exchange;
  } else {
    built = await buildExchange({ config, logger, metrics, ...(options.clock ? { clock: options.clock } : {}) });
    clock = built.clock;
    rawExchange = built.port;
  }
  const simulator = built?.simulator;
  try {
    return await startRuntime(options, { metrics, random, clock, rawExchange, built, simulator });
  } catch (error) {
    // Close the exchange's sockets and the simulator server: a failed start must not leak them.
    await built?.close().catch(() => undefined);
    throw error;
  }
}

interface StartParts {
  readonly metrics: Metrics;
  readonly random: Random;
  readonly clock: Clock;
  readonly rawExchange: ExchangePort;
  readonly built: BuiltExchange | undefined;
  readonly simulator: SimExchange | undefined;
}

async function startRuntime(options: AppOptions, parts: StartParts): Promise<App> {
  const { config, logger } = options;
  const { metrics, random, clock, rawExchange, built, simulator } = parts;
  let health: HealthMonitor | undefined;
  const exchange = instrumented(
    rawExchange,
    metrics,
    (operation, error) => health?.observe(operation, error),
  );
  // Integrity is checked here: a corrupt journal stops the start-up before any actor exists.
  const journal = openJournal(config, logger);
  // Over the Bybit adapter the public kline stream's confirm starts the cycles; without one
  // (in-process simulator, streams off) the runtime reads each close through the port.
  const candleSource = built?.bybit && config.exchange.streams ? streamCandleSource(built.bybit.streams) : undefined;
  const runtime = new Runtime({ config, exchange, clock, logger, metrics, random, resolveStrategy: getStrategy, ...(journal ? { journal } : {}), ...(candleSource ? { candleSource } : {}) });
  // Channel alerts go to the journal too.
  if (built?.bybit) runtime.journalAlerts(built.bybit.alerts);
  // Push updates (private streams, or the in-process engine) keep the journal current.
  if (built?.bybit) runtime.followAccount(bybitAccountStream(built.bybit.streams));
  else if (simulator) runtime.followAccount(simulatorAccountStream(simulator.engine));
  health = new HealthMonitor(exchange, logger, config.health.exchangeProbeMs, config.exchange.requestTimeoutMs);
  await health.start();
  if (!health.exchangeStatus().ok) {
    logger.warn({ event: 'self_check', exchange: health.exchangeStatus() }, 'start-up self-check: the exchange does not answer yet; /ready stays 503 until it does');
  }

  const server = await buildServer({
    config,
    runtime,
    health,
    metrics,
    clock,
    logger,
    venue: exchange.venue,
    ...(simulator ? { simulator: simulatorControl(simulator) } : {}),
  });
  let url = '';
  if (options.listen !== false) {
    url = await server.listen({ host: config.http.host, port: config.http.port });
  } else {
    await server.ready();
  }
  runtime.start();

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
      endpoints: url ? { health: `${url}/health`, ready: `${url}/ready`, actors: `${url}/actors`, metrics: `${url}/metrics`, status: `${url}/status`, viz: `${url}/viz` } : {},
    },
    `bybot ${modeLabel} on ${venueLabel}: ${actors.length} actors; HTTP ${url || '(not listening)'} (/health /ready /actors /metrics /status /viz)`,
  );

  let stopped = false;
  return {
    config,
    runtime,
    server,
    health,
    metrics,
    clock,
    exchange,
    ...(simulator ? { simulator } : {}),
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await runtime.stop();
      health.stop();
      await server.close();
      await built?.close();
      journal?.close();
    },
  };
}
