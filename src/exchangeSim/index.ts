import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.ts';
import type { SimExchange } from '../sim/index.ts';
import type { AdminContext } from './admin.ts';
import type { ExchangeSimAccount } from './auth.ts';
import type { ServerStats, SimDeps } from './context.ts';
import { WireFaultController } from './faults.ts';
import { createHttpHandler } from './httpHandler.ts';
import { FundingLedger } from './fundingLedger.ts';
import { DEFAULT_IP_LIMIT, RateLimiter } from './rateLimit.ts';
import { runTimeline, scenarioSchema, type ScenarioInput } from './scenario.ts';
import { WsHub } from './ws/hub.ts';
import { AccessPolicy } from '../http/access/policy.ts';
import { isLoopbackHost } from '../../config/hosts.ts';
import { startPrivateFeed } from './ws/privateFeed.ts';
import { PublicFeed } from './ws/publicFeed.ts';

export type { ExchangeSimAccount } from './auth.ts';
export { createFaultyLookup, type DnsFaultSource } from './dnsLookup.ts';
export { WireFaultController, wireFaultPatchSchema, type WireFaultPatch, type WireFaultState, type BadDataKind } from './faults.ts';
export { loadScenario, scenarioSchema, type ScenarioFile, type ScenarioInput } from './scenario.ts';

export interface ExchangeSimServerOptions {
  readonly sim: SimExchange;
  /** The sim's clock (the same object passed to createSimExchange). */
  readonly clock: Clock;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Accepted API keys; they share the simulator's one unified account. */
  readonly accounts: ExchangeSimAccount[];
  readonly scenario?: ScenarioInput;
  readonly logger?: Logger;
  /**
   * Bearer token of the /__sim admin endpoints (faults, state, orders). Required when
   * `host` is not a loopback address; on loopback, without it, the admin endpoints still
   * check Host, Origin and the JSON content type.
   */
  readonly adminToken?: string;
  /** Host names accepted by the admin endpoints besides the loopback names and `host`. */
  readonly allowedHosts?: readonly string[];
  /** A request not fully received within this is answered 408 and closed (wall ms); default 10 s. */
  readonly requestTimeoutMs?: number;
}

export interface ExchangeSimServer {
  /** e.g. http://127.0.0.1:18080 (no trailing slash: bybit-api appends paths verbatim). */
  readonly url: string;
  /** e.g. ws://127.0.0.1:18080 (every path is accepted; /v5/public/linear, /v5/private, ...). */
  readonly wsUrl: string;
  readonly port: number;
  readonly faults: WireFaultController;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Serves the in-process simulated exchange over the Bybit V5 wire protocol (REST + WS) on
 * loopback, so the unmodified bybit-api client trades against it, with wire-level faults.
 */
export async function startExchangeSimServer(options: ExchangeSimServerOptions): Promise<ExchangeSimServer> {
  const { sim, clock, logger } = options;
  const host = options.host ?? '127.0.0.1';
  if (options.accounts.length === 0) throw new Error('exchange-sim needs at least one account');
  if (!isLoopbackHost(host) && !options.adminToken) {
    throw new Error(`exchange-sim on ${host} (not a loopback address) needs an admin token for its /__sim endpoints (--admin-token or EXCHANGE_SIM_ADMIN_TOKEN)`);
  }
  const adminPolicy = new AccessPolicy({
    controlToken: options.adminToken ?? '',
    readToken: options.adminToken ?? '',
    allowedHosts: [host, ...(options.allowedHosts ?? [])],
    controlTokenName: 'the simulator admin token',
    readTokenName: 'the simulator admin token',
    openControl: options.adminToken === undefined,
  });
  const accounts = new Map(options.accounts.map((a) => [a.apiKey, a]));
  const scenario = scenarioSchema.parse(options.scenario ?? {});
  const faults = new WireFaultController(sim.faults);
  const stats: ServerStats = { duplicateOrderLinkIdRejected: 0, requests: 0, wsTradeOps: 0, rateLimited: { retCode10006: 0, http403: 0 } };
  const funding = new FundingLedger(sim.market.seed);
  const deps: SimDeps = { sim, clock, faults, stats, funding, wallNow: () => Date.now() };
  const limiter = new RateLimiter(scenario.limits.endpoints, scenario.limits.ip ?? DEFAULT_IP_LIMIT);

  // Hung requests wait here until the hang fault is cleared.
  let hungWaiters: Array<() => void> = [];
  const releaseHung = (): void => {
    const waiters = hungWaiters;
    hungWaiters = [];
    waiters.forEach((w) => w());
  };
  const wallTimers = new Set<NodeJS.Timeout>();
  const hub = new WsHub(deps, accounts, limiter, logger);
  const admin: AdminContext = {
    deps,
    wsConnections: () => hub.connections.size,
    schedule: (fn, ms) => {
      const timer = setTimeout(() => {
        wallTimers.delete(timer);
        fn();
      }, ms);
      wallTimers.add(timer);
    },
  };
  const handler = createHttpHandler({
    deps,
    accounts,
    limiter,
    admin,
    logger,
    waitWhileHung: () => (faults.get().hang ? new Promise<void>((resolve) => hungWaiters.push(resolve)) : Promise.resolve()),
    adminPolicy,
  });

  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const server = createServer({ requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(250, requestTimeoutMs) }, handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));

  const port = await listen(server, options.port ?? 0, host);
  let closed = false;
  // Down closes the listener synchronously (new connects get ECONNREFUSED at once); up
  // re-listens on the same port once the close has completed.
  let closing: Promise<void> = Promise.resolve();
  let reopening: Promise<void> = Promise.resolve();
  const dropConnections = (): void => {
    hub.dropAll();
    for (const socket of sockets) socket.destroy();
  };
  const goDown = (): void => {
    if (!server.listening) return;
    closing = new Promise<void>((resolve) => server.close(() => resolve()));
    dropConnections();
  };
  const comeUp = (): void => {
    reopening = Promise.all([closing, reopening]).then(async () => {
      if (closed || server.listening || faults.get().down) return;
      await listen(server, port, host).catch((error: unknown) => logger?.error({ err: error, port }, 'exchange-sim could not listen again after down'));
    });
  };

  faults.onChange((state, previous, patch) => {
    if (state.down && !previous.down) goDown();
    if (!state.down && previous.down) comeUp();
    if (!state.hang && previous.hang) releaseHung();
    if (patch.disconnectWebSockets) hub.dropAll();
    // After the answer to the request that asked for it has left.
    if (patch.dropConnections) admin.schedule(dropConnections, 20);
    logger?.info({ faults: state }, 'exchange-sim faults changed');
  });
  if (Object.keys(scenario.faults).length > 0) faults.set(scenario.faults);

  const feed = new PublicFeed(deps, hub, logger);
  feed.start();
  const stopPrivate = startPrivateFeed(deps, hub);
  const stopTimeline = runTimeline(scenario, clock, faults, (error) => logger?.error({ err: error }, 'exchange-sim scenario step failed'));

  const url = `http://${host}:${port}`;
  logger?.info({ url }, 'exchange-sim listening');
  return {
    url,
    wsUrl: `ws://${host}:${port}`,
    port,
    faults,
    close: async () => {
      if (closed) return;
      closed = true;
      stopTimeline();
      feed.stop();
      stopPrivate();
      wallTimers.forEach((t) => clearTimeout(t));
      hub.close();
      await reopening;
      const done = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      releaseHung();
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}
