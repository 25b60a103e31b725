import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REGIME_SETTINGS, RegimeClassifier, regimeSeries, regimeWarmup, type RegimeLabel } from '../../../src/core/indicators/regime.ts';
import { RollingRank } from '../../../src/core/indicators/rollingRank.ts';
import '../../support/seedProperties.ts';
import { plantedMarket, type PlantedRegime, type PlantedSegment } from '../../support/regimeMarkets.ts';

/** Mid-rank percentile of the last value among `window`, written the obvious way. */
function naiveRank(window: readonly number[]): number {
  const x = window[window.length - 1]!;
  const below = window.filter((v) => v < x).length;
  const equal = window.filter((v) => v === x).length;
  return (100 * (below + 0.5 * equal)) / window.length;
}

describe('RollingRank', () => {
  it('equals the naive percentile rank of the newest value over the last period values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 200 }), (period, values) => {
        const rank = new RollingRank(period);
        values.forEach((v, i) => {
          rank.input = v;
          rank.push();
          expect(rank.percentile).toBeCloseTo(naiveRank(values.slice(Math.max(0, i + 1 - period), i + 1)), 12);
        });
        expect(rank.ready).toBe(values.length >= period);
      }),
    );
  });

  it('reads 50 on a constant window and just below 100 at a new maximum', () => {
    const rank = new RollingRank(4);
    for (const v of [2, 2, 2, 2]) {
      rank.input = v;
      rank.push();
    }
    expect(rank.percentile).toBe(50);
    rank.input = 3;
    rank.push();
    expect(rank.percentile).toBe(87.5);
  });
});

const MAP: Readonly<Record<PlantedRegime, RegimeLabel>> = { range: 'ranging', up: 'trendingUp', down: 'trendingDown', volatile: 'volatile' };

const SEGMENTS: readonly PlantedSegment[] = [
  { regime: 'range', candles: 300 },
  { regime: 'up', candles: 200 },
  { regime: 'range', candles: 200 },
  { regime: 'volatile', candles: 48 },
  { regime: 'range', candles: 200 },
  { regime: 'down', candles: 200 },
  { regime: 'volatile', candles: 48 },
  { regime: 'range', candles: 150 },
];

/**
 * Candles a regime change takes to show: the short volatility spans 12 candles, ATR is a
 * Wilder average of 14, and ADX smooths twice with 14 (after a trend it needs about 30
 * candles to fall back below 25).
 */
const settleOf = (regime: PlantedRegime): number => (regime === 'volatile' ? 16 : 30);

describe('regime classifier on synthetic markets with planted regimes', () => {
  it.each(Array.from({ length: 20 }, (_, i) => i + 1))('labels ranging, trending up/down and volatile stretches correctly (seed %i)', (seed) => {
    const { candles, truth } = plantedMarket(seed, SEGMENTS);
    const labels = regimeSeries(candles);
    let start = 0;
    for (const seg of SEGMENTS) {
      const from = Math.max(start + settleOf(seg.regime), regimeWarmup(DEFAULT_REGIME_SETTINGS));
      const slice = labels.slice(from, start + seg.candles);
      const counts = slice.reduce<Record<string, number>>((m, l) => ({ ...m, [l]: (m[l] ?? 0) + 1 }), {});
      const why = `${seg.regime} from candle ${start}: ${JSON.stringify(counts)}`;
      const hits = (counts[MAP[seg.regime]] ?? 0) / slice.length;
      // The planted label is the most frequent one; volatility bursts are short (48 candles) and
      // judged against the ATR's slow average: at least half; trends and ranges: 80 %.
      expect(Math.max(...Object.values(counts)), why).toBe(counts[MAP[seg.regime]]);
      expect(hits, why).toBeGreaterThanOrEqual(seg.regime === 'volatile' ? 0.5 : 0.8);
      start += seg.candles;
    }
    // Overall, after the warm-up, the label is the planted one on most candles.
    const warm = regimeWarmup(DEFAULT_REGIME_SETTINGS);
    const correct = labels.slice(warm).filter((l, i) => l === MAP[truth[warm + i]!]).length / (labels.length - warm);
    expect(correct).toBeGreaterThan(0.85);
  });

  it('is unknown until warmed up, then never unknown on clean data', () => {
    const { candles } = plantedMarket(9, [{ regime: 'range', candles: 400 }]);
    const labels = regimeSeries(candles);
    const warm = regimeWarmup(DEFAULT_REGIME_SETTINGS);
    expect(labels.slice(0, warm - 1).every((l) => l === 'unknown')).toBe(true);
    expect(labels.slice(warm).every((l) => l !== 'unknown')).toBe(true);
  });

  it('skips non-finite candles and exposes the readings behind the label', () => {
    const { candles } = plantedMarket(4, [{ regime: 'up', candles: 300 }]);
    const a = new RegimeClassifier();
    const b = new RegimeClassifier();
    candles.forEach((c, i) => {
      a.update(c);
      b.update(c);
      if (i % 50 === 0) b.update({ ...c, close: Number.NaN });
    });
    expect([a.code, a.adxValue, a.atrPercentile, a.volRatio]).toEqual([b.code, b.adxValue, b.atrPercentile, b.volRatio]);
    expect(a.label).toBe('trendingUp');
    expect(a.adxValue).toBeGreaterThanOrEqual(DEFAULT_REGIME_SETTINGS.trendAdx);
  });
});
