import type { LookupFunction } from 'node:net';
import type { WebsocketClient } from 'bybit-api';
import { toBybotError } from '../../domain/errors.ts';
import type { Random } from '../../core/rng.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ExchangePort } from '../../ports/exchange.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { MarketDataCache, withMarketDataCache } from '../marketDataCache.ts';
import { ChannelAlerts } from './channelAlerts.ts';
import { ClockSync } from './clockSync.ts';
import { EndpointPool, unrefTimer } from './endpoints.ts';
import { RateLimiter, type RateLimiterOptions } from './rateLimiter.ts';
import { BybitRestPort } from './restPort.ts';
import { BybitRestTransport, type SdkRestClient } from './restTransport.ts';
import type { RetryPolicy } from './retry.ts';
import { createAgents, createRestClient, createWsClient, type Credentials } from './sdkClients.ts';
import { WsOrderTransport } from './wsOrderTransport.ts';
import { BybitStreams } from './streams.ts';
import { createSanitizer } from './sanitize.ts';

/**
 * One Bybit account's client set: a REST client per endpoint (sharing agents, clock
 * offset, rate limiter and endpoint health), one public and one private WebsocketClient,
 * the market-data cache and the heartbeat. Built once per account in the composition
 * root and shared by every actor, so rate limits and clock sync are per account, as on
 * Bybit.
 */
export interface BybitExchangeOptions {
  /** Name for logs and /ready, e.g. "bybit-testnet". */
  readonly venue: string;
  readonly restUrls: readonly string[];
  readonly wsPublicUrl: string;
  readonly wsPrivateUrl: string;
  readonly credentials: Credentials | null;
  readonly recvWindowMs: number;
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly failbackProbeMs: number;
  readonly heartbeatMs: number;
  readonly candleTtlMs: number;
  readonly tickerTtlMs: number;
  /** Domain clock (simulated in dry-run): backoff sleeps, cache TTL, receive times. */
  readonly clock: Clock;
  /** Wall clock: request deadlines, rate-limit windows, heartbeat, fail-back probes. */
  readonly timers: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Custom DNS lookup for REST and WS (tests: fake host names, injected DNS failures). */
  readonly lookup?: LookupFunction;
  /** Wall time for signatures; Date.now by default. */
  readonly wallNow?: () => number;
  /** Rate-limit overrides (VIP limits, tests); default: Bybit's documented non-VIP limits. */
  readonly rateLimits?: Omit<RateLimiterOptions, 'clock'>;
  /** 'ws': order create/amend/cancel over the WS trade API at `wsTradeUrl`, REST as the fallback (wsOrderTransport.ts). Default 'rest'. */
  readonly orderTransport?: 'rest' | 'ws';
  /** The venue's `/v5/trade` stream (needed for orderTransport 'ws'). */
  readonly wsTradeUrl?: string;
}

export interface BybitExchange {
  /** The port actors use: candles and tickers through the market-data cache. */
  readonly port: ExchangePort;
  /** The uncached REST port. */
  readonly rest: BybitRestPort;
  readonly streams: BybitStreams;
  readonly pool: EndpointPool;
  readonly limiter: RateLimiter;
  readonly clockSync: ClockSync;
  readonly alerts: ChannelAlerts;
  readonly cache: MarketDataCache;
  /** First clock sync (failures are logged, not thrown: /ready reports reachability), then the heartbeat. */
  start(): Promise<void>;
  /** One heartbeat: server time + offset; exposed for tests. */
  heartbeat(): Promise<void>;
  close(): Promise<void>;
}

export function createBybitExchange(o: BybitExchangeOptions): BybitExchange {
  const log = o.logger.child({ component: 'bybit', venue: o.venue });
  // Every exchange text that leaves the adapter is cleaned of this account's key and secret.
  const sanitize = createSanitizer(o.credentials ? [o.credentials.apiKey, o.credentials.apiSecret] : []);
  const clockSync = new ClockSync(o.wallNow);
  const alerts = new ChannelAlerts(log, o.metrics?.channelAlerts ?? { inc: () => undefined }, o.timers);
  const agents = createAgents(o.lookup);
  const clients = new Map<string, SdkRestClient>(
    o.restUrls.map((url) => [
      url,
      createRestClient({ baseUrl: url, credentials: o.credentials, recvWindowMs: o.recvWindowMs, requestTimeoutMs: o.requestTimeoutMs, agents, offsetMs: () => clockSync.offsetMs() }),
    ]),
  );
  const limiter = new RateLimiter({ ...o.rateLimits, clock: o.timers });
  for (const url of o.restUrls) o.metrics?.exchangeEndpointUp.set({ endpoint: url }, 1);
  const markActive = (active: string): void => {
    for (const url of o.restUrls) o.metrics?.exchangeEndpointActive.set({ endpoint: url }, url === active ? 1 : 0);
  };
  markActive(o.restUrls[0] ?? '');
  // Local budgets are sampled when /metrics is scraped (tokens refill between requests).
  const sampleLimits = () => limiter.headroom().map((h) => ({ group: h.scope, remaining: h.remaining, limit: h.limit }));
  o.metrics?.rateLimitSamplers.add(sampleLimits);

  // The probe bypasses the limiter and the pool: it must reach exactly this endpoint.
  const probe = async (url: string): Promise<void> => {
    const client = clients.get(url);
    if (!client) throw new Error(`no client for ${url}`);
    const raw = (await withTimeout(client.get('/v5/market/time'), o.requestTimeoutMs, o.timers)) as { retCode?: unknown };
    if (raw?.retCode !== 0) throw new Error(`probe answered retCode ${String(raw?.retCode)}`);
  };
  const pool = new EndpointPool({
    urls: o.restUrls,
    clock: o.timers,
    probeIntervalMs: o.failbackProbeMs,
    probe,
    onChange: ({ url, healthy, active, reason }) => {
      o.metrics?.exchangeEndpointUp.set({ endpoint: url }, healthy ? 1 : 0);
      markActive(active);
      if (healthy) alerts.raise('rest', 'failback', `endpoint ${url} answers again; active endpoint ${active}`, { endpoint: url, active });
      else alerts.raise('rest', 'failover', `endpoint ${url} failed (${reason}); active endpoint ${active}`, { endpoint: url, active });
    },
  });

  const transport = new BybitRestTransport({
    clients,
    pool,
    limiter,
    clockSync,
    clock: o.clock,
    timers: o.timers,
    random: o.random,
    retryPolicy: o.retry,
    requestTimeoutMs: o.requestTimeoutMs,
    alerts,
    logger: log,
    onRetry: (operation, error) => o.metrics?.exchangeRetries.inc({ operation, code: error.code }),
    sanitize,
    ...(o.metrics ? { metrics: { requests: o.metrics.bybitHttpRequests, duration: o.metrics.bybitHttpDuration, rateLimitRemaining: o.metrics.rateLimitRemaining } } : {}),
  });
  // Order entry over the WS trade API when configured; everything else (and the fallback) over REST.
  const tradeClient =
    o.orderTransport === 'ws' && o.credentials && o.wsTradeUrl
      ? createWsClient({ wsUrl: o.wsTradeUrl, credentials: o.credentials, recvWindowMs: o.recvWindowMs, logger: log, ...(o.lookup ? { lookup: o.lookup } : {}) })
      : null;
  const orderTransport = tradeClient
    ? new WsOrderTransport({ rest: transport, client: tradeClient, timers: o.timers, clock: o.clock, random: o.random, requestTimeoutMs: o.requestTimeoutMs, fallbackMs: o.failbackProbeMs, logger: log })
    : transport;
  const rest = new BybitRestPort({ venue: o.venue, transport: orderTransport, clock: o.clock, random: o.random, alerts, logger: log });
  const cache = new MarketDataCache({ clock: o.clock, candleTtlMs: o.candleTtlMs, tickerTtlMs: o.tickerTtlMs, counter: o.metrics?.marketDataCache, logger: log });
  const port = withMarketDataCache(rest, cache, { candleTtlMs: o.candleTtlMs, tickerTtlMs: o.tickerTtlMs });

  let closed = false;
  const publicClient = createWsClient({ wsUrl: o.wsPublicUrl, credentials: null, recvWindowMs: o.recvWindowMs, logger: log, sanitize, closing: () => closed, ...(o.lookup ? { lookup: o.lookup } : {}) });
  const privateClient = o.credentials
    ? createWsClient({ wsUrl: o.wsPrivateUrl, credentials: o.credentials, recvWindowMs: o.recvWindowMs, logger: log, sanitize, closing: () => closed, ...(o.lookup ? { lookup: o.lookup } : {}) })
    : null;
  const wsClients: WebsocketClient[] = privateClient ? [publicClient, privateClient] : [publicClient];
  const streams = new BybitStreams({ publicClient, privateClient, rest, now: () => o.clock.now(), alerts, logger: log, sanitize });
  // Every series exists from the start (0), so a dashboard's rate() sees the first event.
  for (const kind of ['candles', 'ticker']) for (const result of ['hit', 'miss', 'stale']) o.metrics?.marketDataCache.inc({ kind, result }, 0);
  for (const stream of privateClient ? ['public', 'private'] : ['public']) o.metrics?.wsReconnects.inc({ stream }, 0);
  streams.on('connection', (e) => {
    if (e.state === 'reconnected') o.metrics?.wsReconnects.inc({ stream: e.stream });
  });

  let heartbeatTimer: unknown;
  const heartbeat = async (): Promise<void> => {
    try {
      await transport.syncClock();
      // The private socket signs its auth with the same offset.
      for (const client of wsClients) client.setTimeOffsetMs(clockSync.offsetMs());
      tradeClient?.setTimeOffsetMs(clockSync.offsetMs());
    } catch (error) {
      log.warn({ event: 'heartbeat_failed', err: toBybotError(error).message }, 'REST heartbeat (server time) failed');
    }
  };
  const scheduleHeartbeat = (): void => {
    if (closed) return;
    heartbeatTimer = o.timers.setTimeout(() => {
      void heartbeat().finally(scheduleHeartbeat);
    }, o.heartbeatMs);
    unrefTimer(heartbeatTimer);
  };

  return {
    port,
    rest,
    streams,
    pool,
    limiter,
    clockSync,
    alerts,
    cache,
    heartbeat,
    async start() {
      await heartbeat();
      log.info({ event: 'clock_sync', offsetMs: clockSync.offsetMs(), endpoints: o.restUrls }, `Bybit clock offset ${clockSync.offsetMs()} ms`);
      scheduleHeartbeat();
    },
    async close() {
      closed = true;
      o.metrics?.rateLimitSamplers.delete(sampleLimits);
      if (heartbeatTimer !== undefined) o.timers.clearTimeout(heartbeatTimer);
      pool.close();
      limiter.close();
      streams.close();
      tradeClient?.closeAll(true);
      agents.destroy();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clock.clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clock.clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(typeof e === 'string' ? e : 'probe failed'));
      },
    );
  });
}
