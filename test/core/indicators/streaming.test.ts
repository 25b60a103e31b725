import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/domain/types.ts';
import * as ind from '../../../src/core/indicators/index.ts';
import { syntheticCandles } from '../support/series.ts';

/**
 * Streaming behaviour every reducer shares: feeding candles one at a time gives the batch
 * result, states are never mutated, states survive a JSON round trip (actors persist them),
 * and a bad number is skipped rather than poisoning the state.
 */
interface Case {
  readonly name: string;
  readonly init: () => unknown;
  readonly next: (state: never, candle: Candle) => unknown;
  readonly read: (state: never) => unknown;
}

const cases: Case[] = [
  { name: 'SMA', init: () => ind.initSma(10), next: (s: ind.SmaState, c) => ind.nextSma(s, c.close), read: ind.readSma },
  { name: 'EMA', init: () => ind.initEma(10), next: (s: ind.EmaState, c) => ind.nextEma(s, c.close), read: ind.readEma },
  { name: 'RSI', init: () => ind.initRsi(14), next: (s: ind.RsiState, c) => ind.nextRsi(s, c.close), read: ind.readRsi },
  { name: 'ATR', init: () => ind.initAtr(14), next: ind.nextAtr, read: ind.readAtr },
  { name: 'Bollinger', init: () => ind.initBollinger(20, 2), next: (s: ind.BollingerState, c) => ind.nextBollinger(s, c.close), read: ind.readBollinger },
  { name: 'ADX', init: () => ind.initAdx(14), next: ind.nextAdx, read: ind.readAdx },
  { name: 'Donchian', init: () => ind.initDonchian(20), next: ind.nextDonchian, read: ind.readDonchian },
  { name: 'volume mean', init: () => ind.initVolumeMean(20), next: (s: ind.VolumeMeanState, c) => ind.nextVolumeMean(s, c.volume), read: ind.readVolumeMean },
  { name: 'session VWAP', init: ind.initSessionVwap, next: ind.nextSessionVwap, read: ind.readSessionVwap },
  { name: 'aggregator', init: () => ind.initAggregator(5 * 60_000, 15 * 60_000), next: ind.nextAggregator, read: ind.readClosedCandles },
];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const candles = syntheticCandles({ seed: 5, count: 400 });

describe.each(cases)('$name reducer', ({ init, next, read }) => {
  const step = next as (s: unknown, c: Candle) => unknown;
  const reader = read as (s: unknown) => unknown;

  it('streaming one candle at a time equals the batch fold', () => {
    const batch = ind.foldSeries(init(), step, reader, candles);
    let state = init();
    const streamed = candles.map((c) => reader((state = step(state, c))));
    expect(streamed).toEqual(batch);
    expect(ind.foldState(init(), step, candles)).toEqual(state);
  });

  it('never mutates its state or its input (deep-frozen states and candles still work)', () => {
    let state = deepFreeze(init());
    for (const c of candles.slice(0, 120)) state = deepFreeze(step(state, deepFreeze({ ...c })));
    const snapshot = JSON.stringify(state);
    step(state, candles[121]!);
    expect(JSON.stringify(state)).toBe(snapshot);
  });

  it('continues identically after a JSON round trip of its state', () => {
    const half = ind.foldState(init(), step, candles.slice(0, 200));
    const restored = JSON.parse(JSON.stringify(half)) as unknown;
    const a = ind.foldSeries(half, step, reader, candles.slice(200));
    const b = ind.foldSeries(restored, step, reader, candles.slice(200));
    expect(b).toEqual(a);
  });

  it('skips candles with non-finite numbers instead of poisoning the state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY), (at, bad) => {
        const before = ind.foldState(init(), step, candles.slice(0, at));
        const c = candles[at]!;
        const poisoned = { ...c, open: bad, high: bad, low: bad, close: bad, volume: bad, turnover: bad };
        expect(step(before, poisoned)).toBe(before);
      }),
      { numRuns: 30 },
    );
  });
});

describe('reducers are total', () => {
  it('bad periods become 1 instead of throwing', () => {
    for (const p of [0, -3, Number.NaN, 2.7]) {
      expect(() => ind.smaSeries([1, 2, 3], p)).not.toThrow();
      expect(() => ind.adxSeries(candles.slice(0, 5), p)).not.toThrow();
    }
    expect(ind.smaSeries([1, 2, 3], 0)).toEqual([1, 2, 3]);
    expect(ind.smaSeries([1, 2, 3], 2.7)).toEqual([null, 1.5, 2.5]);
  });

  it('per-candle cost does not depend on history: window states stay at their period length', () => {
    const long = syntheticCandles({ seed: 8, count: 5_000 });
    const s = ind.foldState(ind.initDonchian(20), ind.nextDonchian, long);
    expect(s.highs.length).toBe(20);
    const b = ind.foldState(ind.initBollinger(20, 2), (st: ind.BollingerState, c: Candle) => ind.nextBollinger(st, c.close), long);
    expect(b.window.length).toBe(20);
    expect(JSON.stringify(ind.foldState(ind.initAdx(14), ind.nextAdx, long)).length).toBeLessThan(1_000);
  });
});
