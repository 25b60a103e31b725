import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/schema.ts';
import { BybotError, ERROR_CODES } from './domain/errors.ts';
import type { Clock } from './ports/clock.ts';
import type { ExchangePort } from './ports/exchange.ts';
import { AcceleratedClock } from './clock/acceleratedClock.ts';
import { SystemClock } from './clock/systemClock.ts';
import { hashString, mulberry32, type Random } from './core/rng.ts';
import { getStrategy } from './core/strategy/registry.ts';
import { withDeadline } from './exchange/deadlinePort.ts';
import { instrumented } from './exchange/instrumentedPort.ts';
import type { Logger } from './observability/logger.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { Runtime } from './runtime/createRuntime.ts';
import { openJournal } from './journal/openJournal.ts';
import { HealthMonitor } from './runtime/health.ts';
import { buildServer } from './http/server.ts';
import type { SimulatorControl } from './http/simulatorRoutes.ts';
import { createSimExchange, type SimExchange } from './sim/index.ts';

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

const MINUTE = 60_000;

function simulatorStart(config: AppConfig): number {
  // The one wall-clock read of dry-run: simulated time starts "now" unless configured.
  return config.simulator.startTime === 'now' ? Math.floor(Date.now() / MINUTE) * MINUTE : Date.parse(config.simulator.startTime);
}

function simulatorControl(sim: SimExchange): SimulatorControl {
  return {
    getFaults: () => sim.faults.get(),
    setFaults: (patch) => sim.faults.set(patch),
  };
}

/**
 * Composition root: picks the clock and the exchange for the mode, decorates the port
 * (deadline, metrics), builds the runtime and the HTTP server, and starts them in order:
 * exchange self-check, HTTP, then the actors.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const metrics = createMetrics();
  const random = options.random ?? mulberry32(hashString(`runtime:${config.simulator.seed}`));

  let clock: Clock;
  let rawExchange: ExchangePort;
  let simulator: SimExchange | undefined;
  if (options.exchange) {
    clock = options.clock ?? new SystemClock();
    rawExchange = options.exchange;
  } else if (config.mode === 'dry-run') {
    const epoch = simulatorStart(config);
    clock = options.clock ?? new AcceleratedClock(epoch, config.simulator.speed);
    simulator = createSimExchange({
      clock,
      seed: config.simulator.seed,
      origin: epoch - Math.round(config.simulator.historyDays * 1440) * MINUTE,
      initialBalance: config.simulator.initialBalance,
      takerFeeRate: config.simulator.takerFeeRate,
      makerFeeRate: config.simulator.makerFeeRate,
      slippageBps: config.simulator.slippageBps,
      regimes: Object.fromEntries(Object.entries(config.simulator.regimes).map(([symbol, regime]) => [symbol, regime])),
      faults: config.simulator.faults,
    });
    rawExchange = simulator.port;
  } else {
    throw new BybotError(ERROR_CODES.CONFIG_INVALID, 'live mode needs the Bybit adapter, which is not wired yet', 'system', false);
  }

  let health: HealthMonitor | undefined;
  const exchange = instrumented(
    simulator ? withDeadline(rawExchange, clock, config.exchange.requestTimeoutMs) : rawExchange,
    metrics,
    (operation, error) => health?.observe(operation, error),
  );
  // Integrity is checked here: a corrupt journal stops the start-up before any actor exists.
  const journal = openJournal(config, logger);
  const runtime = new Runtime({ config, exchange, clock, logger, metrics, random, resolveStrategy: getStrategy, ...(journal ? { journal } : {}) });
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
  const venueLabel = simulator ? `built-in simulator (seed ${config.simulator.seed}, ${config.simulator.speed}x time)` : exchange.venue;
  const actors = runtime.registry.list().map((e) => e.actorId);
  logger.info(
    {
      event: 'startup',
      mode: modeLabel,
      venue: venueLabel,
      configSources: options.sources ?? [],
      actors,
      endpoints: url ? { health: `${url}/health`, ready: `${url}/ready`, actors: `${url}/actors`, metrics: `${url}/metrics`, status: `${url}/status` } : {},
    },
    `bybot ${modeLabel} on ${venueLabel}: ${actors.length} actors; HTTP ${url || '(not listening)'} (/health /ready /actors /metrics /status)`,
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
      journal?.close();
    },
  };
}
