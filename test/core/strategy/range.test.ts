import { describe, expect, it } from 'vitest';
import { rangeStrategy, type RangeParams } from '../../../src/core/strategy/range.ts';
import { syntheticCandles } from '../support/series.ts';
import { replayStrategy } from '../support/tradeSim.ts';
import { describeStrategyContract } from './contractSuite.ts';
import { fromCloses, indicatorsAfter, zigzag } from './fixtures.ts';

/** Sideways zigzag of +-1 around 100, then a close at 98.6: below the lower band, ADX low. */
const longSetup = fromCloses([...zigzag(120, 100, 1, 12), 98.6]);

describeStrategyContract({
  def: rangeStrategy,
  longSetup,
  fallbackLongSetup: longSetup,
  badParams: [
    [{ interval: '7' }, ['interval']],
    [{ bbPeriod: 1 }, ['bbPeriod']],
    [{ bbStdDev: 'two' }, ['bbStdDev']],
    [{ historyCandles: 5000 }, ['historyCandles']],
    [{ adxRanging: 40, adxMax: 30 }, ['adxRanging']],
    [{ volumeCalmRatio: 4 }, ['volumeCalmRatio']],
    [{ target: 'moon' }, ['target']],
    [{ entryZone: -0.1 }, ['entryZone']],
  ],
});

const params = rangeStrategy.paramsSchema.parse({}) as RangeParams;

describe('range: soft filters lower the score instead of vetoing', () => {
  it('a volume spike at the edge still trades, with lower rangeQuality and score', () => {
    const calm = rangeStrategy.signal(indicatorsAfter(rangeStrategy, params, longSetup)!, params);
    const spiked = longSetup.map((c, i) => (i === longSetup.length - 1 ? { ...c, volume: c.volume * 10 } : c));
    const loud = rangeStrategy.signal(indicatorsAfter(rangeStrategy, params, spiked)!, params);
    expect(loud.action).toBe('long');
    expect(loud.factors.rangeQuality!).toBeLessThan(calm.factors.rangeQuality!);
    expect(loud.score).toBeLessThan(calm.score);
  });

  it('an RSI that does not confirm lowers momentum but does not veto', () => {
    const ind = indicatorsAfter(rangeStrategy, params, longSetup)!;
    const hot = rangeStrategy.signal({ ...ind, values: { ...ind.values, rsi: 60 } }, params);
    expect(hot.action).toBe('long');
    expect(hot.factors.momentum!).toBeLessThan(rangeStrategy.signal(ind, params).factors.momentum!);
  });

  it('a trend (ADX at or above adxMax) is a veto, with the number in the reason', () => {
    const ind = indicatorsAfter(rangeStrategy, params, longSetup)!;
    const s = rangeStrategy.signal({ ...ind, values: { ...ind.values, adx: params.adxMax + 1 } }, params);
    expect(s.action).toBe('none');
    expect(s.reason).toContain('ADX');
  });

  it('a reward/risk below the param is a veto that names the numbers', () => {
    const s = rangeStrategy.signal(indicatorsAfter(rangeStrategy, params, longSetup)!, { ...params, minRewardRisk: 10 });
    expect(s.action).toBe('none');
    expect(s.reason).toMatch(/reward\/risk [\d.]+ is below 10/);
  });

  it('targets the opposite band when asked', () => {
    const ind = indicatorsAfter(rangeStrategy, params, longSetup)!;
    expect(rangeStrategy.signal(ind, { ...params, target: 'opposite' }).takeProfit).toBeCloseTo(ind.values.bbUpper!, 9);
  });
});

describe('range: trade frequency on 5-minute candles of a ranging market', () => {
  it('makes a few trades per day, on both sides, in an Ornstein-Uhlenbeck market', () => {
    const days = 5;
    for (const seed of [101, 102, 103]) {
      const candles = syntheticCandles({ seed, count: 288 * days, theta: 0.02, volatility: 0.0015 });
      const r = replayStrategy(rangeStrategy, params, candles);
      const perDay = r.trades / days;
      expect(perDay, JSON.stringify(r)).toBeGreaterThanOrEqual(2);
      expect(perDay, JSON.stringify(r)).toBeLessThanOrEqual(20);
      expect(r.longs).toBeGreaterThan(0);
      expect(r.shorts).toBeGreaterThan(0);
    }
  });
});
