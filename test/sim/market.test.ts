import { describe, expect, it } from 'vitest';
import { UnknownSymbolError, InvalidRequestError } from '../../src/domain/errors.ts';
import { DAY, MINUTE, ORIGIN, makeSim } from './simFixture.ts';

describe('market generator', () => {
  it('produces identical candles for the same seed and different ones for another seed', () => {
    const a = makeSim({ seed: 7 }).sim.market.candles({ symbol: 'BTCUSDT', interval: '5', limit: 200 });
    const b = makeSim({ seed: 7 }).sim.market.candles({ symbol: 'BTCUSDT', interval: '5', limit: 200 });
    const c = makeSim({ seed: 8 }).sim.market.candles({ symbol: 'BTCUSDT', interval: '5', limit: 200 });
    expect(a).toEqual(b);
    expect(a.map((x) => x.close)).not.toEqual(c.map((x) => x.close));
  });

  it('gives the same bars whether history is generated in one go or bit by bit', async () => {
    const bulk = makeSim({ start: ORIGIN + 600 * MINUTE });
    const stepwise = makeSim({ start: ORIGIN });
    for (let i = 0; i < 60; i++) {
      stepwise.sim.market.candles({ symbol: 'ETHUSDT', interval: '1', limit: 5 });
      await stepwise.clock.advanceBy(10 * MINUTE);
    }
    expect(stepwise.sim.market.candles({ symbol: 'ETHUSDT', interval: '1', limit: 600 })).toEqual(
      bulk.sim.market.candles({ symbol: 'ETHUSDT', interval: '1', limit: 600 }),
    );
  });

  it('starts near the known base prices and keeps candles on the tick grid', () => {
    const { sim } = makeSim({ start: ORIGIN + 2 * MINUTE });
    expect(sim.market.candles({ symbol: 'BTCUSDT', interval: '1', limit: 1 })[0]!.open).toBeCloseTo(60_000, -3);
    expect(sim.market.candles({ symbol: 'ETHUSDT', interval: '1', limit: 1 })[0]!.open).toBeCloseTo(3_000, -2);
    expect(sim.market.candles({ symbol: 'SOLUSDT', interval: '1', limit: 1 })[0]!.open).toBeCloseTo(150, -1);
  });

  it('aggregates 5m candles from the 1m bars, aligned to epoch multiples', () => {
    const { sim } = makeSim();
    const fives = sim.market.candles({ symbol: 'SOLUSDT', interval: '5', limit: 50 });
    const ones = sim.market.candles({ symbol: 'SOLUSDT', interval: '1', limit: 260 });
    for (const five of fives.slice(0, -1)) {
      expect(five.start % (5 * MINUTE)).toBe(0);
      const parts = ones.filter((o) => o.start >= five.start && o.start < five.start + 5 * MINUTE);
      expect(parts).toHaveLength(5);
      expect(five.open).toBe(parts[0]!.open);
      expect(five.close).toBe(parts[4]!.close);
      expect(five.high).toBe(Math.max(...parts.map((p) => p.high)));
      expect(five.low).toBe(Math.min(...parts.map((p) => p.low)));
      expect(five.volume).toBeCloseTo(parts.reduce((s, p) => s + p.volume, 0), 6);
    }
  });

  it('returns candles oldest first, honours limit, and ends with the forming candle', () => {
    const { sim, clock } = makeSim();
    const candles = sim.market.candles({ symbol: 'BTCUSDT', interval: '15', limit: 30 });
    expect(candles).toHaveLength(30);
    for (let i = 1; i < candles.length; i++) expect(candles[i]!.start - candles[i - 1]!.start).toBe(15 * MINUTE);
    const last = candles.at(-1)!;
    expect(last.start).toBeLessThanOrEqual(clock.now());
    expect(last.start + 15 * MINUTE).toBeGreaterThan(clock.now());
    // The forming candle closes at the current price.
    expect(last.close).toBe(sim.market.ticker('BTCUSDT').lastPrice);
    for (const c of candles) {
      expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
      expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
    }
  });

  it('filters by start and end and never returns future candles', () => {
    const { sim, clock } = makeSim();
    const end = Math.floor(clock.now() / (5 * MINUTE)) * 5 * MINUTE - 3 * 60 * MINUTE;
    const start = end - 10 * 5 * MINUTE;
    const candles = sim.market.candles({ symbol: 'BTCUSDT', interval: '5', limit: 1000, start, end });
    expect(candles).toHaveLength(11);
    expect(candles[0]!.start).toBeGreaterThanOrEqual(start);
    expect(candles.at(-1)!.start).toBeLessThanOrEqual(end);
    expect(sim.market.candles({ symbol: 'BTCUSDT', interval: '5', limit: 5, end: clock.now() + DAY }).at(-1)!.start).toBeLessThanOrEqual(clock.now());
    expect(sim.market.candles({ symbol: 'BTCUSDT', interval: '60', limit: 1000 })[0]!.start).toBeGreaterThanOrEqual(ORIGIN);
  });

  it('moves the forming candle as time passes within the minute', async () => {
    const { sim, clock } = makeSim({ start: ORIGIN + DAY });
    const at0 = sim.market.candles({ symbol: 'BTCUSDT', interval: '1', limit: 1 })[0]!;
    expect(at0.volume).toBe(0);
    expect(at0.high).toBe(at0.low);
    await clock.advanceBy(59_000);
    const later = sim.market.candles({ symbol: 'BTCUSDT', interval: '1', limit: 1 })[0]!;
    expect(later.start).toBe(at0.start);
    expect(later.volume).toBeGreaterThan(0);
  });

  it('generates three days of 1m bars up to the current minute', () => {
    // Speed belongs to the bench, not to a timed unit test: here only what comes back.
    const { sim } = makeSim({ start: ORIGIN + 3 * DAY, instruments: ['BTCUSDT', 'ADAUSDT'] });
    const [latest] = sim.market.candles({ symbol: 'ADAUSDT', interval: '1', limit: 1 });
    expect(latest?.start).toBe(ORIGIN + 3 * DAY);
  });

  it('has about 0.05-0.1 % volatility per minute in the default regimes', () => {
    const { sim } = makeSim({ start: ORIGIN + 2 * DAY });
    const closes = sim.market.candles({ symbol: 'BTCUSDT', interval: '1', limit: 1000 }).map((c) => c.close);
    const returns = closes.slice(1).map((c, i) => Math.log(c / closes[i]!));
    const sd = Math.sqrt(returns.reduce((s, r) => s + r * r, 0) / returns.length);
    expect(sd).toBeGreaterThan(0.0004);
    expect(sd).toBeLessThan(0.0012);
  });

  it('forced crash falls more than 5 % over a day', () => {
    const { sim } = makeSim({ regimes: { SOLUSDT: 'crash' } });
    const hours = sim.market.candles({ symbol: 'SOLUSDT', interval: '60', limit: 25 }).slice(0, 24);
    expect(hours.at(-1)!.close / hours[0]!.open - 1).toBeLessThan(-0.05);
  });

  it('forced flat keeps open = high = low = close and zero volume', () => {
    const { sim } = makeSim({ regimes: { ETHUSDT: 'flat' } });
    for (const c of sim.market.candles({ symbol: 'ETHUSDT', interval: '5', limit: 300 })) {
      expect(c.high).toBe(c.low);
      expect(c.open).toBe(c.close);
      expect(c.volume).toBe(0);
    }
  });

  it('forced zeroVolume moves prices with zero volume', () => {
    const { sim } = makeSim({ regimes: { BTCUSDT: 'zeroVolume' } });
    const candles = sim.market.candles({ symbol: 'BTCUSDT', interval: '5', limit: 300 });
    expect(candles.every((c) => c.volume === 0 && c.turnover === 0)).toBe(true);
    expect(new Set(candles.map((c) => c.close)).size).toBeGreaterThan(50);
  });

  it('forced range mean-reverts inside a band', () => {
    const { sim } = makeSim({ regimes: { BTCUSDT: 'range' }, start: ORIGIN + 2 * DAY });
    const closes = sim.market.candles({ symbol: 'BTCUSDT', interval: '5', limit: 288 }).map((c) => c.close);
    const max = Math.max(...closes);
    const min = Math.min(...closes);
    // A day of 5m closes stays within a few percent, and crosses its own mean often.
    expect(max / min - 1).toBeLessThan(0.06);
    const mean = closes.reduce((s, c) => s + c, 0) / closes.length;
    let crossings = 0;
    for (let i = 1; i < closes.length; i++) if ((closes[i - 1]! - mean) * (closes[i]! - mean) < 0) crossings++;
    expect(crossings).toBeGreaterThan(4);
  });

  it('serves tickers one tick around the last price', () => {
    const { sim } = makeSim();
    const t = sim.market.ticker('BTCUSDT');
    expect(t.markPrice).toBe(t.lastPrice);
    expect(t.ask1Price).toBeCloseTo(t.lastPrice + 0.1, 6);
    expect(t.bid1Price).toBeCloseTo(t.lastPrice - 0.1, 6);
  });

  it('publishes Bybit filters for known symbols, derived ones for other listed USDT symbols, and rejects the rest', () => {
    const { sim } = makeSim({ instruments: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'PEPEUSDT'] });
    expect(sim.market.instrument('BTCUSDT')).toMatchObject({ tickSize: 0.1, qtyStep: 0.001, minOrderQty: 0.001, maxOrderQty: 1190, maxMktOrderQty: 119, minNotional: 5, maxLeverage: 100 });
    expect(sim.market.instrument('SOLUSDT')).toMatchObject({ qtyStep: 0.1, minOrderQty: 0.1, maxLeverage: 75 });
    const pepe = sim.market.instrument('PEPEUSDT');
    expect(pepe.tickSize).toBeGreaterThan(0);
    expect(pepe.minOrderQty * sim.market.basePrice('PEPEUSDT')).toBeLessThan(5 * 10);
    expect(() => sim.market.instrument('BTCUSD')).toThrow(UnknownSymbolError);
    // A well-formed symbol that is not listed is unknown too (Bybit: 10001 symbol invalid).
    expect(() => sim.market.instrument('XRPUSDT')).toThrow(UnknownSymbolError);
    expect(() => makeSim().sim.market.instrument('PEPEUSDT')).toThrow(UnknownSymbolError);
    expect(sim.market.symbols()).toEqual(['BTCUSDT', 'ETHUSDT', 'PEPEUSDT', 'SOLUSDT']);
    expect(() => sim.market.candles({ symbol: 'BTCUSDT', interval: '5', limit: 0 })).toThrow(InvalidRequestError);
  });
});
