import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/domain/types.ts';
import { gaussian, mulberry32 } from '../../../src/core/rng.ts';
import * as ind from '../../../src/core/indicators/index.ts';
import { relDiff, syntheticCandles } from '../support/series.ts';

/**
 * Streaming behaviour every indicator shares: pushing candles one at a time gives the batch
 * result, instances are independent, inputs are never mutated, memory is fixed by the
 * period, and a bad number is skipped rather than poisoning the state. Indicators are hot
 * state updated in place (src/core/strategy/contract.ts), so `read` here takes a copy.
 */
interface Case {
  readonly name: string;
  readonly make: () => unknown;
  readonly push: (indicator: never, candle: Candle) => void;
  /** A copy of the current reading (null while warming up). */
  readonly read: (indicator: never) => unknown;
  /** The batch helper over the same candles, when there is one. */
  readonly batch?: (candles: readonly Candle[]) => unknown[];
  /** Fixed window length, for windowed indicators. */
  readonly capacity?: (indicator: never) => number;
  readonly period?: number;
}

const closesOf = (cs: readonly Candle[]) => cs.map((c) => c.close);

const cases: Case[] = [
  { name: 'SMA', make: () => new ind.Sma(10), push: (s: ind.Sma, c) => s.update(c), read: (s: ind.Sma) => (s.ready ? s.value : null), batch: (cs) => ind.smaSeries(closesOf(cs), 10), capacity: (s: ind.Sma) => s.capacity, period: 10 },
  { name: 'EMA', make: () => new ind.Ema(10), push: (s: ind.Ema, c) => s.update(c), read: (s: ind.Ema) => (s.ready ? s.value : null), batch: (cs) => ind.emaSeries(closesOf(cs), 10) },
  { name: 'RSI', make: () => new ind.Rsi(14), push: (s: ind.Rsi, c) => s.update(c), read: (s: ind.Rsi) => (s.ready ? s.value : null), batch: (cs) => ind.rsiSeries(closesOf(cs), 14) },
  { name: 'ATR', make: () => new ind.Atr(14), push: (s: ind.Atr, c) => s.update(c), read: (s: ind.Atr) => (s.ready ? s.value : null), batch: (cs) => ind.atrSeries(cs, 14) },
  {
    name: 'Bollinger',
    make: () => new ind.Bollinger(20, 2),
    push: (s: ind.Bollinger, c) => s.update(c),
    read: (s: ind.Bollinger) => (s.ready ? { middle: s.middle, upper: s.upper, lower: s.lower, stdDev: s.stdDev, bandwidth: s.bandwidth, percentB: s.percentB } : null),
    batch: (cs) => ind.bollingerSeries(closesOf(cs), 20, 2),
    capacity: (s: ind.Bollinger) => s.capacity,
    period: 20,
  },
  { name: 'ADX', make: () => new ind.Adx(14), push: (s: ind.Adx, c) => s.update(c), read: (s: ind.Adx) => (s.ready ? { adx: s.adx, plusDI: s.plusDI, minusDI: s.minusDI } : null), batch: (cs) => ind.adxSeries(cs, 14) },
  {
    name: 'Donchian',
    make: () => new ind.Donchian(20),
    push: (s: ind.Donchian, c) => s.update(c),
    read: (s: ind.Donchian) => (s.ready ? { upper: s.upper, lower: s.lower, middle: s.middle } : null),
    batch: (cs) => ind.donchianSeries(cs, 20),
    capacity: (s: ind.Donchian) => s.capacity,
    period: 20,
  },
  {
    name: 'volume mean',
    make: () => new ind.VolumeMean(20),
    push: (s: ind.VolumeMean, c) => s.update(c),
    read: (s: ind.VolumeMean) => (s.ready ? { mean: s.mean, last: s.last, ratio: s.ratio } : null),
    batch: (cs) => ind.volumeMeanSeries(cs.map((c) => c.volume), 20),
    capacity: (s: ind.VolumeMean) => s.capacity,
    period: 20,
  },
  {
    name: 'session VWAP',
    make: () => new ind.SessionVwap(),
    push: (s: ind.SessionVwap, c) => s.update(c),
    read: (s: ind.SessionVwap) => (s.ready ? { vwap: s.vwap, stdDev: s.stdDev, sessionStart: s.sessionStart, sessionCandles: s.sessionCandles } : null),
    batch: (cs) => ind.sessionVwapSeries(cs),
  },
  {
    name: 'aggregator',
    make: () => new ind.TimeframeAggregator(5 * 60_000, 15 * 60_000),
    push: (s: ind.TimeframeAggregator, c) => s.push(c),
    read: (s: ind.TimeframeAggregator) => Array.from({ length: s.closedCount }, (_, i) => ({ ...s.closed(i) })),
  },
];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const candles = syntheticCandles({ seed: 5, count: 400 });

describe.each(cases)('$name', (c) => {
  const push = c.push as (s: unknown, candle: Candle) => void;
  const read = c.read as (s: unknown) => unknown;
  const stream = (list: readonly Candle[], into = c.make()): unknown[] =>
    list.map((candle) => {
      push(into, candle);
      return read(into);
    });

  it('streaming one candle at a time equals the batch helper, and reading changes nothing', () => {
    const s = c.make();
    const streamed = candles.map((candle) => {
      push(s, candle);
      const first = read(s);
      expect(read(s)).toEqual(first);
      return first;
    });
    if (c.batch) expect(streamed).toEqual(c.batch(candles));
    expect(streamed.some((x) => x !== null && !(Array.isArray(x) && x.length === 0))).toBe(true);
  });

  it('instances are independent: feeding one does not move another', () => {
    const a = c.make();
    const b = c.make();
    stream(candles.slice(0, 200), a);
    const atA = read(a);
    stream(candles, b);
    expect(read(a)).toEqual(atA);
    expect(read(b)).toEqual(stream(candles).at(-1));
  });

  it('never mutates its input (deep-frozen candles work and give the same readings)', () => {
    const frozen = candles.map((x) => deepFreeze({ ...x }));
    expect(stream(frozen)).toEqual(stream(candles));
  });

  it('skips candles with non-finite numbers instead of poisoning the state', () => {
    const clean = stream(candles);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY), (at, bad) => {
        const s = c.make();
        stream(candles.slice(0, at), s);
        const poisoned = { ...candles[at]!, open: bad, high: bad, low: bad, close: bad, volume: bad, turnover: bad };
        push(s, poisoned);
        // The skipped candle closes nothing and changes nothing: the rest continues as if it never came.
        expect(stream(candles.slice(at), s)).toEqual(clean.slice(at));
      }),
      { numRuns: 30 },
    );
  });

  if (c.capacity && c.period) {
    it('memory is fixed by the period, whatever the history', () => {
      const s = c.make();
      stream(syntheticCandles({ seed: 8, count: 5_000 }), s);
      expect((c.capacity as (x: unknown) => number)(s)).toBe(c.period);
    });
  }
});

describe('indicators are total', () => {
  it('bad periods become 1 instead of throwing', () => {
    for (const p of [0, -3, Number.NaN, 2.7]) {
      expect(() => ind.smaSeries([1, 2, 3], p)).not.toThrow();
      expect(() => ind.adxSeries(candles.slice(0, 5), p)).not.toThrow();
    }
    expect(ind.smaSeries([1, 2, 3], 0)).toEqual([1, 2, 3]);
    expect(ind.smaSeries([1, 2, 3], 2.7)).toEqual([null, 1.5, 2.5]);
  });
});

/** Shewchuk's exactly rounded sum (Python's math.fsum): an independent reference, no shared code. */
function fsum(values: ArrayLike<number>): number {
  const partials: number[] = [];
  for (let n = 0; n < values.length; n++) {
    let x = values[n]!;
    let i = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  return partials.reduce((a, b) => a + b, 0);
}

/** Reference moments: the exactly rounded mean, then the exactly rounded sum of squared deviations from it. */
function exactMoments(window: ArrayLike<number>): { mean: number; variance: number } {
  const mean = fsum(window) / window.length;
  const squares = Array.from(window, (v) => (v - mean) ** 2);
  return { mean, variance: fsum(squares) / window.length };
}

/** Plain two-pass over the window, oldest first: what the textbook formula and the old implementation compute. */
function twoPass(window: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < window.length; i++) sum += window[i]!;
  const mean = sum / window.length;
  let squares = 0;
  for (let i = 0; i < window.length; i++) squares += (window[i]! - mean) ** 2;
  return { mean, variance: squares / window.length };
}

describe('RollingMoments keeps its precision over long series', () => {
  it.each([20, 97, 500])('period %i: after 1,000,000 BTC-sized values (trends, jumps, tiny and huge moves) the mean is as exact as a two-pass recompute and the deviation within 1e-12', (period) => {
    const random = mulberry32(period);
    const m = new ind.RollingMoments(period);
    const window = new Float64Array(period);
    let price = 30_000;
    let worstMean = 0;
    let worstSd = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const regime = Math.floor(i / 50_000) % 4;
      const scale = regime === 0 ? 20 : regime === 1 ? 0.01 : regime === 2 ? 500 : 2;
      price = Math.max(1, price + scale * gaussian(random) + (regime === 2 ? 3 : 0));
      if (i % 200_003 === 0) price *= 3; // a jump far outside the window
      m.input = price;
      m.push();
      window[i % period] = price;
      if (i >= period && i % 997 === 0) {
        const exact = exactMoments(window);
        // How much further from the exactly rounded mean than the plain two-pass of the window (today's formula).
        const oldestFirst = [...window.subarray((i + 1) % period), ...window.subarray(0, (i + 1) % period)];
        worstMean = Math.max(worstMean, relDiff(m.mean, exact.mean) - relDiff(twoPass(oldestFirst).mean, exact.mean));
        worstSd = Math.max(worstSd, Math.abs(Math.sqrt(m.variance) - Math.sqrt(exact.variance)) / Math.sqrt(exact.variance));
      }
    }
    // Never more than about two roundings worse than recomputing the window, and far inside 1e-9 for the deviation.
    expect(worstMean).toBeLessThan(5e-16);
    expect(worstSd).toBeLessThan(1e-12);
  });

  it('a window flat to within rounding reads exactly the two-pass values (bands collapse as the textbook says)', () => {
    const m = new ind.RollingMoments(20);
    for (let i = 0; i < 57; i++) {
      m.input = 30_000.1 + (i < 20 ? i : 0);
      m.push();
    }
    const exact = twoPass(new Float64Array(20).fill(30_000.1));
    expect([m.mean, m.variance]).toEqual([exact.mean, exact.variance]);
  });
});

describe('RollingMax is a sliding-window maximum', () => {
  it('matches a naive max over the last `period` values, ties and all', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 300 }), (period, values) => {
        const m = new ind.RollingMax(period);
        values.forEach((v, i) => {
          m.input = v;
          m.push();
          expect(m.max).toBe(Math.max(...values.slice(Math.max(0, i - period + 1), i + 1)));
          expect(m.ready).toBe(i + 1 >= period);
        });
      }),
      { numRuns: 200 },
    );
  });
});
