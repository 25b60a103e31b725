import type { AppConfig } from '../../../config/schema.ts';
import { SystemClock } from '../../clock/systemClock.ts';
import { hashString, mulberry32 } from '../../core/rng.ts';
import type { Candle, Instrument, Interval } from '../../domain/types.ts';
import { createBybitExchange, type BybitExchange } from '../../exchange/bybit/createBybitExchange.ts';
import type { FundingRateRecord } from '../../exchange/bybit/restPort.ts';
import { VENUE_ENDPOINTS, wsStreamUrls } from '../../exchange/bybit/venues.ts';
import { syncedSimClock } from '../../exchange/simClock.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Clock } from '../../ports/clock.ts';
import { invalid } from '../errors.ts';

/** What the download needs from an exchange: public market data only. */
export interface HistorySource {
  /** e.g. "bybit:mainnet": recorded in the manifest as the rows' source. */
  readonly name: string;
  /** The exchange's market time (a simulator's may differ from the wall clock). */
  now(): Promise<number>;
  /** Candles with open time in [start, end], oldest first (Bybit: at most `limit`, 1..1000). */
  candles(symbol: string, interval: Interval, start: number, end: number, limit: number): Promise<Candle[]>;
  /** Funding settlements up to `endTime`, oldest first (Bybit: the newest `limit`, 1..200). */
  funding(symbol: string, endTime: number, limit: number): Promise<FundingRateRecord[]>;
  instrument(symbol: string): Promise<Instrument>;
  close(): Promise<void>;
}

export type DownloadVenue = 'mainnet' | 'testnet' | 'local';

export interface BybitSourceOptions {
  readonly venue: DownloadVenue;
  /** Overrides the venue's REST endpoints (required for 'local'). */
  readonly restUrls: readonly string[];
  /** Timeouts and retries (exchange.* of the configuration). */
  readonly exchange: AppConfig['exchange'];
  readonly logger: Logger;
}

/**
 * The Bybit adapter (src/exchange/bybit) without credentials: the same rate limiter,
 * retries with backoff, endpoint failover and response validation as the bot, and no
 * request is ever signed. For venue 'local' (a simulator server) market time comes from
 * its /__sim/clock, elsewhere from /v5/market/time.
 */
export async function createBybitHistorySource(o: BybitSourceOptions): Promise<HistorySource> {
  const defaults = o.venue === 'local' ? undefined : VENUE_ENDPOINTS[o.venue];
  const restUrls = (o.restUrls.length > 0 ? o.restUrls : (defaults?.restUrls ?? [])).map((u) => u.replace(/\/+$/, ''));
  if (restUrls.length === 0) throw invalid(`--rest-url is required for venue ${o.venue}`);
  const ws = defaults ?? (() => {
    const derived = wsStreamUrls(restUrls[0]!.replace(/^http/, 'ws'));
    return { wsPublicUrl: derived.publicUrl, wsPrivateUrl: derived.privateUrl };
  })();
  const timers = new SystemClock();
  const clock: Clock = o.venue === 'local' ? await syncedSimClock(restUrls[0]!, o.exchange.requestTimeoutMs) : timers;
  const ex = o.exchange;
  const bybit: BybitExchange = createBybitExchange({
    venue: `bybit-${o.venue}`,
    restUrls,
    wsPublicUrl: ws.wsPublicUrl,
    wsPrivateUrl: ws.wsPrivateUrl,
    credentials: null,
    recvWindowMs: ex.recvWindowMs,
    requestTimeoutMs: ex.requestTimeoutMs,
    retry: { maxRetries: ex.maxRetries, baseMs: ex.retryBaseMs, maxMs: ex.retryMaxMs },
    failbackProbeMs: ex.failbackProbeMs,
    heartbeatMs: ex.heartbeatMs,
    candleTtlMs: 0,
    tickerTtlMs: 0,
    clock,
    timers,
    random: mulberry32(hashString(`data-download:${o.venue}`)),
    logger: o.logger,
  });
  const rest = bybit.rest;
  return {
    name: `bybit:${o.venue}`,
    now: async () => (o.venue === 'local' ? clock.now() : rest.serverTime()),
    candles: (symbol, interval, start, end, limit) => rest.candles({ symbol, interval, start, end, limit }),
    funding: (symbol, endTime, limit) => rest.fundingHistory({ symbol, endTime, limit }),
    instrument: (symbol) => rest.instrument(symbol),
    close: () => bybit.close(),
  };
}
