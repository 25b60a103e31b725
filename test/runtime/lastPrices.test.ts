import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import type { StreamEvent } from '../../src/exchange/bybit/streams.ts';
import { streamLastPrices } from '../../src/runtime/lastPrices.ts';

type Listener = (event: StreamEvent) => void;

function fakeStreams() {
  const listeners = new Map<string, Set<Listener>>();
  return {
    on(type: string, listener: Listener) {
      const set = listeners.get(type) ?? new Set();
      set.add(listener);
      listeners.set(type, set);
      return () => set.delete(listener);
    },
    emit(event: StreamEvent) {
      for (const l of listeners.get(event.type) ?? []) l(event);
    },
    count: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}

const candle = (close: number) => ({ start: 0, open: close, high: close, low: close, close, volume: 1, turnover: close });

describe('last prices from the public streams', () => {
  it('keeps the newest ticker or kline price per symbol, and not an old or backfilled one', async () => {
    const clock = new ManualClock(1_000_000);
    const streams = fakeStreams();
    const prices = streamLastPrices(streams as never, clock, 60_000);
    expect(prices.price('BTCUSDT')).toBeUndefined();
    streams.emit({ type: 'ticker', symbol: 'BTCUSDT', lastPrice: 100, time: 0 });
    expect(prices.price('BTCUSDT')).toBe(100);
    // A ticker delta without lastPrice changes nothing.
    streams.emit({ type: 'ticker', symbol: 'BTCUSDT', markPrice: 101, time: 0 });
    expect(prices.price('BTCUSDT')).toBe(100);
    streams.emit({ type: 'kline', symbol: 'BTCUSDT', interval: '1', candle: candle(99.5), confirm: false, backfilled: false });
    expect(prices.price('BTCUSDT')).toBe(99.5);
    streams.emit({ type: 'kline', symbol: 'BTCUSDT', interval: '1', candle: candle(80), confirm: true, backfilled: true });
    expect(prices.price('BTCUSDT')).toBe(99.5);
    await clock.advanceBy(60_001);
    expect(prices.price('BTCUSDT')).toBeUndefined();
    prices.close();
    expect(streams.count()).toBe(0);
  });
});
