import { describe, expect, it } from 'vitest';
import { multiTimeframeStrategy, timeframeRatio, type MultiTimeframeParams } from '../../../src/core/strategy/multiTimeframe.ts';
import { syntheticCandles } from '../support/series.ts';
import { replayStrategy } from '../support/tradeSim.ts';
import { describeStrategyContract } from './contractSuite.ts';
import { fromCloses, indicatorsAfter } from './fixtures.ts';

/** A steady 5m uptrend (+0.1 a candle, tiny zigzag), then six down candles: an RSI dip in the uptrend. */
const up = Array.from({ length: 90 }, (_, i) => 100 + 0.1 * i + (i % 2 === 0 ? 0.05 : -0.05));
const longSetup = fromCloses([...up, 108.7, 108.4, 108.1, 107.8, 107.5, 107.3]);

describeStrategyContract({
  def: multiTimeframeStrategy,
  longSetup,
  fallbackLongSetup: longSetup,
  badParams: [
    [{ higherTimeframeMinutes: 7 }, ['higherTimeframeMinutes']],
    [{ interval: '15', higherTimeframeMinutes: 20 }, ['higherTimeframeMinutes']],
    [{ interval: '15', higherTimeframeMinutes: 15 }, ['higherTimeframeMinutes']],
    [{ fastEma: 30, slowEma: 21 }, ['fastEma']],
    [{ interval: '1', higherTimeframeMinutes: 60, historyCandles: 1000 }, ['historyCandles']],
    [{ pullbackRsiLong: 'low' }, ['pullbackRsiLong']],
    [{ takeProfitR: 0 }, ['takeProfitR']],
  ],
});

const params = multiTimeframeStrategy.paramsSchema.parse({}) as MultiTimeframeParams;

describe('multiTimeframe: higher timeframe', () => {
  it('accepts any multiple of the base interval', () => {
    for (const [interval, htf] of [['1', 15], ['5', 60], ['15', 60], ['3', 15]] as const) {
      const r = multiTimeframeStrategy.paramsSchema.safeParse({ interval, higherTimeframeMinutes: htf, historyCandles: 1000 });
      expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
    }
    expect(timeframeRatio({ interval: '5', higherTimeframeMinutes: 60 })).toBe(12);
  });

  it('reads the trend from closed higher candles only: a forming higher candle does not move the EMAs', () => {
    // 5m base, 15m higher: candle 0 and 1 of a bucket change nothing, candle 2 closes the bucket.
    const base = indicatorsAfter(multiTimeframeStrategy, params, longSetup.slice(0, 63))!;
    const formingOne = indicatorsAfter(multiTimeframeStrategy, params, longSetup.slice(0, 64))!;
    const formingTwo = indicatorsAfter(multiTimeframeStrategy, params, longSetup.slice(0, 65))!;
    const closed = indicatorsAfter(multiTimeframeStrategy, params, longSetup.slice(0, 66))!;
    expect(formingOne.values.htfFastEma).toBe(base.values.htfFastEma);
    expect(formingTwo.values.htfSlowEma).toBe(base.values.htfSlowEma);
    expect(closed.values.htfFastEma).not.toBe(base.values.htfFastEma);
  });

  it('does not trade against the trend: no pullback, no entry', () => {
    const s = multiTimeframeStrategy.signal(indicatorsAfter(multiTimeframeStrategy, params, fromCloses(up))!, params);
    expect(s.action).toBe('none');
    expect(s.reason).toContain('without a pullback');
    expect(s.factors.trendStrength).toBeGreaterThan(0.5);
  });

  it('trades with the trend in trending markets', () => {
    const upMarket = replayStrategy(multiTimeframeStrategy, params, syntheticCandles({ seed: 31, count: 288 * 5, theta: 0.05, drift: 0.0003 }));
    const downMarket = replayStrategy(multiTimeframeStrategy, params, syntheticCandles({ seed: 32, count: 288 * 5, theta: 0.05, drift: -0.0003 }));
    expect(upMarket.longs).toBeGreaterThan(5 * upMarket.shorts);
    expect(downMarket.shorts).toBeGreaterThan(5 * downMarket.longs);
    expect(upMarket.trades / 5).toBeGreaterThanOrEqual(1);
    expect(upMarket.trades / 5).toBeLessThanOrEqual(20);
  });
});
