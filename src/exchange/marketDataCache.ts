import { ERROR_CODES, toBybotError } from '../domain/errors.ts';
import { intervalMs, type Candle, type Ticker } from '../domain/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { CandleQuery, ExchangePort } from '../ports/exchange.ts';
import type { Logger } from '../observability/logger.ts';
import { decoratePort } from './decoratePort.ts';

/**
 * Market-data cache in front of an ExchangePort: actors read klines and tickers from it.
 * A fresh entry (younger than its TTL on the domain clock) is served without a request; a
 * stale or missing one is fetched over REST. When the fetch fails because the exchange is
 * unreachable (unavailable, timeout, rate limited), the last good data is served instead,
 * counted as `stale`: its own timestamps are unchanged, so the strategy's stale-data rule
 * (no trading on a last candle older than actor.maxStalenessMs) makes the call, not us.
 * One correction: a stale candle list is served without the candles that were still
 * forming when it was fetched. Their period has ended since, so the strategy would take
 * that partial snapshot for a closed candle and judge the data minutes younger than it is.
 */
export interface MarketDataCacheOptions {
  readonly clock: Clock;
  readonly candleTtlMs: number;
  readonly tickerTtlMs: number;
  /** At most this many distinct queries are kept (oldest evicted). */
  readonly maxEntries?: number;
  readonly counter?: { inc(labels: { kind: string; result: string }): void };
  readonly logger?: Logger;
}

interface Entry<T> {
  readonly value: T;
  readonly fetchedAt: number;
}

const UNREACHABLE: ReadonlySet<string> = new Set([ERROR_CODES.EXCHANGE_UNAVAILABLE, ERROR_CODES.TIMEOUT, ERROR_CODES.RATE_LIMITED]);

export class MarketDataCache {
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly staleServed = new WeakSet<object>();

  constructor(private readonly o: MarketDataCacheOptions) {}

  /**
   * `onStale` derives what is served from the last good value when the fetch failed
   * (given the time it was fetched); the derived value counts as stale for `isStale`.
   */
  async get<T extends object>(kind: 'candles' | 'ticker', key: string, ttlMs: number, fetch: () => Promise<T>, onStale?: (value: T, fetchedAt: number) => T): Promise<T> {
    const now = this.o.clock.now();
    const entry = this.entries.get(`${kind}:${key}`) as Entry<T> | undefined;
    if (entry && now - entry.fetchedAt < ttlMs) {
      this.o.counter?.inc({ kind, result: 'hit' });
      return entry.value;
    }
    try {
      const value = await fetch();
      this.set(`${kind}:${key}`, { value, fetchedAt: this.o.clock.now() });
      this.o.counter?.inc({ kind, result: 'miss' });
      return value;
    } catch (error) {
      const typed = toBybotError(error);
      if (!entry || !UNREACHABLE.has(typed.code)) throw typed;
      this.o.counter?.inc({ kind, result: 'stale' });
      this.o.logger?.debug({ event: 'market_data_stale', kind, key, ageMs: now - entry.fetchedAt, code: typed.code }, `serving last good ${kind} (${typed.code})`);
      const served = onStale ? onStale(entry.value, entry.fetchedAt) : entry.value;
      this.staleServed.add(served);
      return served;
    }
  }

  /** True when this exact value was served from the cache because the API failed. */
  isStale(value: object): boolean {
    return this.staleServed.has(value);
  }

  size(): number {
    return this.entries.size;
  }

  private set(key: string, entry: Entry<unknown>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    const max = this.o.maxEntries ?? 500;
    while (this.entries.size > max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

function candleKey(q: CandleQuery): string {
  return `${q.symbol}:${q.interval}:${q.limit}:${q.start ?? ''}:${q.end ?? ''}`;
}

/** Candles whose period had ended at `at` (the same array when nothing was still forming). */
export function closedAt(candles: Candle[], stepMs: number, at: number): Candle[] {
  const closed = candles.filter((c) => c.start + stepMs <= at);
  return closed.length === candles.length ? candles : closed;
}

/** The port with candles and ticker served through the cache; every other call passes through. */
export function withMarketDataCache(port: ExchangePort, cache: MarketDataCache, options: Pick<MarketDataCacheOptions, 'candleTtlMs' | 'tickerTtlMs'>): ExchangePort {
  const decorated = decoratePort(port, (_operation, callOptions, call) => call(callOptions ?? {}));
  return {
    ...decorated,
    candles: (query, o) =>
      cache.get<Candle[]>(
        'candles',
        candleKey(query),
        options.candleTtlMs,
        () => port.candles(query, o),
        (candles, fetchedAt) => closedAt(candles, intervalMs(query.interval), fetchedAt),
      ),
    ticker: (symbol, o) => cache.get<Ticker>('ticker', symbol, options.tickerTtlMs, () => port.ticker(symbol, o)),
  };
}
