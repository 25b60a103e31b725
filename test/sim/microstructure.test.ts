import { describe, expect, it } from 'vitest';
import { slippedPrice } from '../../src/core/fills/slippage.ts';
import { roundToStep } from '../../src/core/steps.ts';
import { bookSnapshot, walkBook, type BookParams } from '../../src/sim/orderBook.ts';
import { recentTrades, tradesBetween, TRADE_SPACING_MS } from '../../src/sim/publicTrades.ts';
import { DAY, MINUTE, ORIGIN, makeSim } from './simFixture.ts';

const HOUR = 60 * MINUTE;

function params(sim: ReturnType<typeof makeSim>['sim'], symbol: string, time: number): BookParams {
  return { seed: sim.market.seed, symbol, instrument: sim.market.instrument(symbol), price: sim.market.lastPrice(symbol), liquidity: sim.market.liquidity(symbol), time };
}

describe('liquidity model: order book and public trades', () => {
  it('centres the book on the last price, one tick apart, thicker further out, the same for the same seed and time', () => {
    const { sim, clock } = makeSim();
    const p = params(sim, 'BTCUSDT', clock.now());
    const book = bookSnapshot(p, 200);
    expect(book.bids[0]![0]).toBeCloseTo(p.price - 0.1, 6);
    expect(book.asks[0]![0]).toBeCloseTo(p.price + 0.1, 6);
    expect(book.bids.every((l, i) => i === 0 || Math.abs(book.bids[i - 1]![0] - l[0] - 0.1) < 1e-6)).toBe(true);
    const top = book.asks.slice(0, 20).reduce((s, l) => s + l[1], 0);
    const deep = book.asks.slice(180, 200).reduce((s, l) => s + l[1], 0);
    expect(deep).toBeGreaterThan(5 * top);
    expect(book.asks.every((l) => l[1] >= 0.001)).toBe(true);
    expect(bookSnapshot(p, 200)).toEqual(book);
    // The sizes move every 10 s of simulated time.
    expect(bookSnapshot({ ...p, time: p.time + 10_000 }, 200)).not.toEqual(book);
  });

  it('walks the book: a market order fills at the volume-weighted price of the levels it takes, so slippage follows size', async () => {
    const { sim, clock } = makeSim({ initialBalance: 1_000_000 });
    const p = params(sim, 'BTCUSDT', clock.now());
    const small = walkBook(p, 'Buy', 0.001);
    const large = walkBook(p, 'Buy', 50);
    expect(small.price).toBeCloseTo(p.price + 0.1, 6);
    expect(large.price).toBeGreaterThan(small.price + 5);
    expect(large.levels).toBeGreaterThan(50);
    expect(walkBook(p, 'Sell', 50).price).toBeLessThan(p.price - 5);

    await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 50, orderLinkId: 'big' });
    const [fill] = await sim.port.executions({ symbol: 'BTCUSDT' });
    expect(fill!.execPrice).toBe(large.price);
  });

  it('prints public trades every 5 s at the path price, the same however they are asked for', () => {
    const { sim, clock } = makeSim();
    const instrument = sim.market.instrument('ETHUSDT');
    const src = { seed: 42, instrument, priceAt: (t: number) => sim.market.priceAt('ETHUSDT', t), liquidity: sim.market.liquidity('ETHUSDT') };
    const now = clock.now();
    const recent = recentTrades(src, now, 30, ORIGIN);
    expect(recent).toHaveLength(30);
    expect(recent[0]!.time).toBe(Math.floor(now / TRADE_SPACING_MS) * TRADE_SPACING_MS);
    expect(recent.every((t, i) => i === 0 || t.time === recent[i - 1]!.time - TRADE_SPACING_MS)).toBe(true);
    expect(recent.every((t) => t.price === sim.market.priceAt('ETHUSDT', t.time) && t.size >= instrument.minOrderQty)).toBe(true);
    const pushed = tradesBetween(src, now - 150_000, now, 1024);
    expect(pushed.map((t) => t.id)).toEqual(recent.slice(0, 30).reverse().map((t) => t.id));
    expect(new Set(recent.map((t) => t.side)).size).toBe(2);
  });
});

describe('gaps in the price path', () => {
  const gaps = { perDay: 60, sizePct: 1 };

  /** The first down gap of at least 0.5 % after `from` (minute index). */
  function findDownGap(sim: ReturnType<typeof makeSim>['sim'], from: number): number {
    for (let i = from; i < from + 3 * 1440; i++) {
      const before = sim.market.bar('BTCUSDT', i - 1);
      const bar = sim.market.bar('BTCUSDT', i);
      if (bar.open < before.close * 0.995) return i;
    }
    throw new Error('no down gap');
  }

  it('are off by default and leave the market exactly as it was; on, bars open away from the previous close', () => {
    const plain = makeSim().sim.market;
    const withGaps = makeSim({ gaps }).sim.market;
    let jumps = 0;
    for (let i = 1; i < 1440; i++) {
      expect(plain.bar('BTCUSDT', i).open).toBe(plain.bar('BTCUSDT', i - 1).close);
      if (withGaps.bar('BTCUSDT', i).open !== withGaps.bar('BTCUSDT', i - 1).close) jumps++;
    }
    expect(jumps).toBeGreaterThan(20);
    expect(jumps).toBeLessThan(120);
    expect(makeSim({ gaps: { perDay: 0, sizePct: 1 } }).sim.market.bar('BTCUSDT', 500)).toEqual(plain.bar('BTCUSDT', 500));
  });

  it('fill a stop that the price jumped over at the gap open, not at its trigger (gap-through)', async () => {
    const { sim, clock } = makeSim({ gaps, fillModel: 'slippage' });
    const g = findDownGap(sim, 1441);
    const before = sim.market.bar('BTCUSDT', g - 1);
    const gapBar = sim.market.bar('BTCUSDT', g);
    await clock.advanceTo(gapBar.start - 1_000);
    const stopLoss = roundToStep((before.close + gapBar.open) / 2, 0.1);
    await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'gap-long', stopLoss });
    await clock.advanceTo(gapBar.start + MINUTE);
    const [exit] = await sim.port.executions({ symbol: 'BTCUSDT' });
    expect(exit).toMatchObject({ stopOrderType: 'StopLoss', side: 'Sell' });
    // The stop's market order meets the first price there is: the gap's open (minus slippage), well below the trigger.
    expect(exit!.execPrice).toBe(slippedPrice(gapBar.open, 'Sell', 2, 0.1));
    expect(exit!.execPrice).toBeLessThan(stopLoss - 0.002 * stopLoss);
  });
});

describe('funding on the generated market', () => {
  it('charges open positions at 08:00 UTC at the configured rate and reports it as an engine event and on the wallet', async () => {
    const { sim, clock } = makeSim({ fundingRate: 0.0003 });
    const events: Array<{ time: number; payment: number; rate: number; mark: number; size: number }> = [];
    sim.engine.on('funding', (f) => events.push(f));
    await clock.advanceTo(ORIGIN + DAY + 8 * HOUR - 5 * MINUTE);
    await sim.port.placeOrder({ symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: 2, orderLinkId: 'short' });
    const walletBefore = (await sim.port.balance()).walletBalance;
    await clock.advanceTo(ORIGIN + DAY + 8 * HOUR + MINUTE);
    // The engine is lazy: the next call catches up with the settlement.
    const walletAfter = (await sim.port.balance()).walletBalance;
    expect(events).toHaveLength(1);
    const mark = sim.market.markAt('ETHUSDT', ORIGIN + DAY + 8 * HOUR);
    // A short receives when the rate is positive: payment = size x mark x rate (negative = received).
    expect(events[0]).toMatchObject({ time: ORIGIN + DAY + 8 * HOUR, rate: 0.0003, size: -2, mark });
    expect(events[0]!.payment).toBeCloseTo(-2 * mark * 0.0003, 8);
    expect(walletAfter).toBeCloseTo(walletBefore - events[0]!.payment, 8);
    await clock.advanceTo(ORIGIN + DAY + 16 * HOUR + MINUTE);
    await sim.port.positions();
    expect(events.map((e) => e.time)).toEqual([ORIGIN + DAY + 8 * HOUR, ORIGIN + DAY + 16 * HOUR]);
  });
});
