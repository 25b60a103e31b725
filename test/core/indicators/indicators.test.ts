import { describe, expect, it } from 'vitest';
import {
  adxSeries,
  aggregateCandles,
  atrSeries,
  bollingerSeries,
  donchianSeries,
  emaSeries,
  rsiSeries,
  sessionVwapSeries,
  smaSeries,
  volumeMeanSeries,
} from '../../../src/core/indicators/index.ts';
import { closes, MIN, relDiff, syntheticCandles, T0 } from '../support/series.ts';
import { refAdx, refAggregate, refAtr, refBollinger, refDonchian, refEma, refRsi, refSma, refVolumeRatio, refVwap } from './textbook.ts';

const TOL = 1e-9;

/** Same warm-up (null positions) and every value within TOL relative. */
function expectSeriesClose(actual: readonly (number | null)[], expected: readonly (number | null)[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i];
    if (e === null || e === undefined) {
      expect(a, `index ${i} should still be warming up`).toBeNull();
      return;
    }
    expect(a, `index ${i} should have a value`).not.toBeNull();
    expect(relDiff(a as number, e), `index ${i}: ${a} vs ${e}`).toBeLessThan(TOL);
  });
}

const pick = <T, K extends keyof T>(xs: readonly (T | null)[], k: K) => xs.map((x) => (x == null ? null : (x[k] as number)));

const datasets = [
  { name: 'mean-reverting 5m', candles: syntheticCandles({ seed: 11, count: 600, theta: 0.05 }) },
  { name: 'trending 5m', candles: syntheticCandles({ seed: 12, count: 600, drift: 0.001 }) },
  { name: 'BTC-sized prices', candles: syntheticCandles({ seed: 13, count: 600, startPrice: 65_000, volatility: 0.003 }) },
];

describe.each(datasets)('indicators match the textbook formulas on $name data', ({ candles }) => {
  const c = closes(candles);

  it.each([2, 5, 20])('SMA(%i)', (n) => expectSeriesClose(smaSeries(c, n), refSma(c, n)));
  it.each([2, 9, 21])('EMA(%i), seeded with the SMA of the first n values', (n) => expectSeriesClose(emaSeries(c, n), refEma(c, n)));
  it.each([2, 14])('RSI(%i), Wilder', (n) => expectSeriesClose(rsiSeries(c, n), refRsi(c, n)));
  it.each([1, 14])('ATR(%i), Wilder on true range', (n) => expectSeriesClose(atrSeries(candles, n), refAtr(candles, n)));

  it('Bollinger Bands(20, 2) with population standard deviation', () => {
    const actual = bollingerSeries(c, 20, 2);
    const expected = refBollinger(c, 20, 2);
    for (const k of ['middle', 'upper', 'lower'] as const) expectSeriesClose(pick(actual, k), pick(expected, k));
  });

  it.each([5, 14])('ADX(%i) with +DI and -DI', (n) => {
    const actual = adxSeries(candles, n);
    const expected = refAdx(candles, n);
    for (const k of ['adx', 'plusDI', 'minusDI'] as const) expectSeriesClose(pick(actual, k), pick(expected, k));
  });

  it('Donchian(20)', () => {
    const actual = donchianSeries(candles, 20);
    const expected = refDonchian(candles, 20);
    for (const k of ['upper', 'lower'] as const) expectSeriesClose(pick(actual, k), pick(expected, k));
  });

  it('volume mean and ratio (20)', () => {
    const v = candles.map((x) => x.volume);
    const actual = volumeMeanSeries(v, 20);
    const expected = refVolumeRatio(v, 20);
    for (const k of ['mean', 'ratio'] as const) expectSeriesClose(pick(actual, k), pick(expected, k));
  });

  it('session VWAP and its standard deviation, reset at 00:00 UTC', () => {
    const actual = sessionVwapSeries(candles);
    const expected = refVwap(candles);
    for (const k of ['vwap', 'stdDev'] as const) expectSeriesClose(pick(actual, k), pick(expected, k));
  });
});

describe('warm-up', () => {
  const candles = syntheticCandles({ seed: 3, count: 60 });
  const c = closes(candles);
  const firstValue = (xs: readonly unknown[]) => xs.findIndex((x) => x !== null);

  it('returns null until each indicator has enough data', () => {
    expect(firstValue(smaSeries(c, 20))).toBe(19);
    expect(firstValue(emaSeries(c, 20))).toBe(19);
    expect(firstValue(rsiSeries(c, 14))).toBe(14);
    expect(firstValue(atrSeries(candles, 14))).toBe(14);
    expect(firstValue(bollingerSeries(c, 20, 2))).toBe(19);
    expect(firstValue(adxSeries(candles, 14))).toBe(27);
    expect(firstValue(donchianSeries(candles, 20))).toBe(19);
    expect(firstValue(volumeMeanSeries(candles.map((x) => x.volume), 20))).toBe(20);
    expect(firstValue(sessionVwapSeries(candles))).toBe(0);
  });

  it('never produces a value from fewer candles than the period', () => {
    const short = c.slice(0, 10);
    expect(smaSeries(short, 20).every((x) => x === null)).toBe(true);
    expect(adxSeries(candles.slice(0, 27), 14).every((x) => x === null)).toBe(true);
  });
});

describe('definitional edge cases', () => {
  it('a flat market reads RSI 50, ADX 0 and collapsed bands at %B 0.5 instead of NaN', () => {
    const flat = Array.from({ length: 40 }, (_, i) => ({ start: T0 + i * 5 * MIN, open: 10, high: 10, low: 10, close: 10, volume: 1, turnover: 10 }));
    expect(rsiSeries(closes(flat), 14).at(-1)).toBe(50);
    expect(adxSeries(flat, 14).at(-1)).toEqual({ adx: 0, plusDI: 0, minusDI: 0 });
    expect(bollingerSeries(closes(flat), 20, 2).at(-1)).toMatchObject({ upper: 10, lower: 10, percentB: 0.5, stdDev: 0 });
  });

  it('the volume ratio is 0 when the baseline volume is 0', () => {
    expect(volumeMeanSeries([0, 0, 0, 5], 3).at(-1)).toEqual({ mean: 0, last: 5, ratio: 0 });
  });

  it('session VWAP resets on the UTC day boundary', () => {
    const day = 86_400_000;
    const mk = (start: number, price: number) => ({ start, open: price, high: price, low: price, close: price, volume: 1, turnover: price });
    const out = sessionVwapSeries([mk(T0 + day - 2 * 5 * MIN, 10), mk(T0 + day - 5 * MIN, 20), mk(T0 + day, 40)]);
    expect(out.map((x) => x?.vwap)).toEqual([10, 15, 40]);
    expect(out[2]).toMatchObject({ sessionStart: T0 + day, sessionCandles: 1, stdDev: 0 });
  });
});

describe('higher-timeframe aggregation', () => {
  it.each([
    [1, 15],
    [5, 15],
    [5, 60],
    [1, 60],
  ])('builds %im -> %im candles aligned to UTC, like a plain group-by', (base, target) => {
    // Start mid-bucket so the first higher candle is incomplete.
    const candles = syntheticCandles({ seed: base * 100 + target, count: 500, start: T0 + 7 * MIN * base, intervalMs: base * MIN });
    const built = aggregateCandles(candles, base * MIN, target * MIN);
    const expected = refAggregate(candles, base * MIN, target * MIN);
    // The reference keeps partial buckets only when their last candle is present, as we do.
    expect(built.map((x) => x.start)).toEqual(expected.map((x) => x.start));
    built.forEach((b, i) => {
      const e = expected[i]!;
      if (i > 0) expect(b.open).toBe(e.open);
      expect([b.high, b.low, b.close]).toEqual([e.high, e.low, e.close]);
      expect(relDiff(b.volume, e.volume)).toBeLessThan(TOL);
      expect(b.start % (target * MIN)).toBe(0);
    });
  });

  it('emits a higher candle only when its last base candle arrives (no look-ahead)', () => {
    const candles = syntheticCandles({ seed: 1, count: 6, intervalMs: 5 * MIN });
    const out = candles.map((_, i) => aggregateCandles(candles.slice(0, i + 1), 5 * MIN, 15 * MIN).length);
    expect(out).toEqual([0, 0, 1, 1, 1, 2]);
  });

  it('emits an incomplete bucket when a gap skips its last base candle, and ignores repeated candles', () => {
    const candles = syntheticCandles({ seed: 2, count: 9, intervalMs: 5 * MIN });
    const withGap = [candles[0]!, candles[1]!, candles[1]!, candles[4]!, candles[5]!];
    const built = aggregateCandles(withGap, 5 * MIN, 15 * MIN);
    expect(built.map((x) => x.start)).toEqual([T0, T0 + 15 * MIN]);
    expect(built[0]!.close).toBe(candles[1]!.close);
    expect(built[0]!.volume).toBeCloseTo(candles[0]!.volume + candles[1]!.volume, 9);
  });
});
