import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { AuthError, ExchangeUnavailableError, TimeoutError } from '../../src/domain/errors.ts';
import type { Candle } from '../../src/domain/types.ts';
import { MarketDataCache, withMarketDataCache } from '../../src/exchange/marketDataCache.ts';
import type { ExchangePort } from '../../src/ports/exchange.ts';
import { memoryCounter } from './support/fakes.ts';

const candle = (start: number): Candle => ({ start, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10, turnover: 15 });

function setup() {
  const clock = new ManualClock(1_000_000);
  const counter = memoryCounter();
  const cache = new MarketDataCache({ clock, candleTtlMs: 2_000, tickerTtlMs: 1_000, counter });
  return { clock, counter, cache };
}

describe('market-data cache', () => {
  it('serves a fresh entry without a request; fetches again after the TTL', async () => {
    const { clock, counter, cache } = setup();
    let fetches = 0;
    const fetch = async () => [candle(++fetches)];
    expect((await cache.get('candles', 'BTC:5', 2_000, fetch))[0]!.start).toBe(1);
    await clock.advanceBy(1_999);
    expect((await cache.get('candles', 'BTC:5', 2_000, fetch))[0]!.start).toBe(1);
    await clock.advanceBy(1);
    expect((await cache.get('candles', 'BTC:5', 2_000, fetch))[0]!.start).toBe(2);
    expect(fetches).toBe(2);
    expect(counter.count({ kind: 'candles', result: 'hit' })).toBe(1);
    expect(counter.count({ kind: 'candles', result: 'miss' })).toBe(2);
  });

  it('serves the last good data, marked stale, when the API is unreachable', async () => {
    const { clock, counter, cache } = setup();
    const good = await cache.get('candles', 'k', 2_000, async () => [candle(60_000)]);
    await clock.advanceBy(10 * 60_000);
    for (const failure of [new ExchangeUnavailableError('down'), new TimeoutError('slow')]) {
      const served = await cache.get<Candle[]>('candles', 'k', 2_000, () => Promise.reject(failure));
      expect(served).toBe(good);
      // Timestamps untouched: the strategy's staleness rule sees a 10-minute-old candle.
      expect(served[0]!.start).toBe(60_000);
      expect(cache.isStale(served)).toBe(true);
    }
    expect(counter.count({ kind: 'candles', result: 'stale' })).toBe(2);
  });

  it('does not hide non-connectivity errors, nor invent data it never had', async () => {
    const { clock, cache } = setup();
    await expect(cache.get('ticker', 'BTC', 1_000, () => Promise.reject(new ExchangeUnavailableError('down')))).rejects.toBeInstanceOf(ExchangeUnavailableError);
    await cache.get('ticker', 'BTC', 1_000, async () => ({ symbol: 'BTC' }));
    await clock.advanceBy(5_000);
    await expect(cache.get('ticker', 'BTC', 1_000, () => Promise.reject(new AuthError('10003')))).rejects.toBeInstanceOf(AuthError);
  });

  it('a stale candle list drops the candle that was still forming when fetched (its period has ended since, but it never closed for us)', async () => {
    const { clock, cache } = setup();
    const step = 300_000;
    // now = 1_000_000: candles at 0 and 300_000 are closed, 900_000 is forming (ends 1_200_000).
    const list = [candle(0), candle(300_000), candle(600_000), candle(900_000)];
    let down = false;
    const port = { venue: 'fake', candles: async () => (down ? Promise.reject(new ExchangeUnavailableError('down')) : list) } as unknown as ExchangePort;
    const cached = withMarketDataCache(port, cache, { candleTtlMs: 2_000, tickerTtlMs: 1_000 });
    const query = { symbol: 'BTC', interval: '5' as const, limit: 4 };
    expect(await cached.candles(query)).toBe(list);
    down = true;
    await clock.advanceBy(2 * step);
    const served = await cached.candles(query);
    expect(served.map((c) => c.start)).toEqual([0, 300_000, 600_000]);
    expect(cache.isStale(served)).toBe(true);
  });
});
