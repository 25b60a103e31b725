import { describe, expect, it } from 'vitest';
import { ManualClock, flushAsync } from '../../../src/clock/manualClock.ts';
import type { Candle, Interval } from '../../../src/domain/types.ts';
import type { ExchangePort } from '../../../src/ports/exchange.ts';
import { AccountTracker } from '../../../src/runtime/accountTracker.ts';
import { InstrumentCache } from '../../../src/runtime/instrumentCache.ts';
import { AccountView } from '../../../src/runtime/market/accountView.ts';
import type { CandleSource } from '../../../src/runtime/market/candleSource.ts';
import { MarketHub } from '../../../src/runtime/market/marketHub.ts';
import { TradingGate } from '../../../src/runtime/tradingGate.ts';
import type { FetchMarketInput, MarketSnapshot } from '../../../machines/strategy.types.ts';

const STEP = 60_000;
const T0 = Date.UTC(2026, 0, 5);
const INSTRUMENT = { symbol: 'BTCUSDT', tickSize: 0.1, qtyStep: 0.001, minOrderQty: 0.001, maxOrderQty: 100, minNotional: 5, maxLeverage: 100 };
const candle = (k: number): Candle => ({ start: T0 + k * STEP, open: 100, high: 101, low: 99, close: 100.5, volume: 3, turnover: 300 });

/** A venue that counts its reads; its account answers after a microtask, like the in-process simulator. */
function venue() {
  const calls = { candles: 0, balance: 0 };
  const port = {
    instrument: async () => INSTRUMENT,
    candles: async () => {
      calls.candles++;
      return [candle(0), candle(1), candle(2), candle(3)];
    },
    balance: async () => {
      calls.balance++;
      return { equity: 1_000, walletBalance: 1_000, availableBalance: 1_000 };
    },
    positions: async () => [],
    openOrders: async () => [],
  } as unknown as ExchangePort;
  return { port, calls };
}

function hub(clock: ManualClock) {
  const { port, calls } = venue();
  let close: ((symbol: string, interval: Interval, c: Candle) => void) | null = null;
  const source: CandleSource = {
    subscribe: () => undefined,
    onClosed(listener) {
      close = listener;
      return () => undefined;
    },
    close: () => undefined,
  };
  const view = new AccountView({ exchange: port, clock, streamedMaxAgeMs: 60_000, polledMaxAgeMs: 1_000 });
  const h = new MarketHub({ exchange: port, clock, gate: new TradingGate(), account: new AccountTracker(), instruments: new InstrumentCache(port, clock), view, source });
  h.subscribe('BTCUSDT', '1');
  return { h, calls, view, close: (k: number) => close!('BTCUSDT', '1', candle(k)) };
}

function actor(id: string) {
  const replies: { type: string; market?: MarketSnapshot }[] = [];
  return { replies, target: { send: (e: { type: string; market?: MarketSnapshot }) => replies.push(e), getSnapshot: () => ({ status: 'active' as const }) }, input: (since: number): FetchMarketInput => ({ actorId: id, symbol: 'BTCUSDT', interval: '1', limit: 400, since, correlationId: `${id}:1` }) };
}

describe('MarketHub', () => {
  it('when only the account is out of date, reads it once for every actor and serves the candles from memory', async () => {
    const clock = new ManualClock(T0 + 2 * STEP + 1_000);
    const { h, calls, view, close } = hub(clock);
    // Warm-up: one REST read fills the buffer and the instrument cache.
    const first = actor('BTCUSDT:a');
    h.request(first.target, first.input(Number.NaN));
    await flushAsync();
    expect(first.replies[0]!.type).toBe('MARKET');
    expect(calls.candles).toBe(1);
    expect(h.stats.rest).toBe(1);
    // The next close arrives; the polled account (1 s) has aged past its limit by then.
    await clock.advanceTo(T0 + 4 * STEP + 2_000);
    close(3);
    expect(view.current(clock.now())).toBeNull();
    const balanceReads = calls.balance;
    const actors = [actor('BTCUSDT:a'), actor('BTCUSDT:b'), actor('BTCUSDT:c')];
    for (const a of actors) h.request(a.target, a.input(T0 + 2 * STEP));
    await flushAsync();
    expect(calls.candles).toBe(1);
    expect(calls.balance).toBe(balanceReads + 1);
    expect(h.stats).toMatchObject({ account: 3, rest: 1 });
    for (const a of actors) {
      expect(a.replies).toHaveLength(1);
      expect(a.replies[0]!.type).toBe('MARKET');
      expect(a.replies[0]!.market!.candles.map((c) => c.start)).toEqual([T0 + 3 * STEP]);
      expect(a.replies[0]!.market!.portfolio.equity).toBe(1_000);
    }
    h.close();
  });
});
