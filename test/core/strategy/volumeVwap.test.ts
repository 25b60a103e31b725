import { describe, expect, it } from 'vitest';
import { volumeVwapStrategy, type VolumeVwapParams } from '../../../src/core/strategy/volumeVwap.ts';
import { syntheticCandles } from '../support/series.ts';
import { replayStrategy } from '../support/tradeSim.ts';
import { describeStrategyContract } from './contractSuite.ts';
import { fromCloses, indicatorsAfter, zigzag } from './fixtures.ts';

/** A quiet session from 00:00 UTC around 100, then a slide to 98.6 on rising volume. */
const longSetup = fromCloses([...zigzag(40, 100, 0.3, 8), 99.5, 99.0, 98.6], { volumes: [...Array<number>(40).fill(100), 150, 200, 400] });

describeStrategyContract({
  def: volumeVwapStrategy,
  longSetup,
  fallbackLongSetup: longSetup,
  badParams: [
    [{ deviationMode: 'atr' }, ['deviationMode']],
    [{ deviationStd: 0 }, ['deviationStd']],
    [{ volumeSpikeRatio: 1 }, ['volumeSpikeRatio']],
    [{ interval: '720', minSessionCandles: 3 }, ['minSessionCandles']],
    [{ minSessionCandles: 2.5 }, ['minSessionCandles']],
  ],
});

const params = volumeVwapStrategy.paramsSchema.parse({}) as VolumeVwapParams;

describe('volumeVwap', () => {
  it('targets the VWAP itself', () => {
    const ind = indicatorsAfter(volumeVwapStrategy, params, longSetup)!;
    expect(volumeVwapStrategy.signal(ind, params).takeProfit).toBe(ind.values.vwap);
  });

  it('volume is soft by default: the same stretch without a spike still trades, with a lower score', () => {
    const quiet = longSetup.map((c) => ({ ...c, volume: 100 }));
    const withSpike = volumeVwapStrategy.signal(indicatorsAfter(volumeVwapStrategy, params, longSetup)!, params);
    const without = volumeVwapStrategy.signal(indicatorsAfter(volumeVwapStrategy, params, quiet)!, params);
    expect(without.action).toBe('long');
    expect(without.factors.volumeSpike).toBe(0);
    expect(without.score).toBeLessThan(withSpike.score);
  });

  it('minVolumeRatio turns volume into a hard requirement when set', () => {
    const quiet = longSetup.map((c) => ({ ...c, volume: 100 }));
    const s = volumeVwapStrategy.signal(indicatorsAfter(volumeVwapStrategy, params, quiet)!, { ...params, minVolumeRatio: 1.5 });
    expect(s.action).toBe('none');
    expect(s.reason).toContain('minVolumeRatio');
  });

  it('supports a stretch measured in % of the VWAP', () => {
    const ind = indicatorsAfter(volumeVwapStrategy, params, longSetup)!;
    expect(volumeVwapStrategy.signal(ind, { ...params, deviationMode: 'pct', deviationPct: 1 }).action).toBe('long');
    expect(volumeVwapStrategy.signal(ind, { ...params, deviationMode: 'pct', deviationPct: 2 }).action).toBe('none');
  });

  it('waits for minSessionCandles after the UTC day starts', () => {
    const ind = indicatorsAfter(volumeVwapStrategy, params, longSetup)!;
    const s = volumeVwapStrategy.signal({ ...ind, values: { ...ind.values, sessionCandles: params.minSessionCandles - 1 } }, params);
    expect(s.action).toBe('none');
    expect(s.reason).toContain('session too young');
  });

  it('trades a few times a day back toward VWAP in a mean-reverting market', () => {
    const r = replayStrategy(volumeVwapStrategy, params, syntheticCandles({ seed: 41, count: 288 * 5, theta: 0.02, volatility: 0.0015 }));
    expect(r.trades / 5).toBeGreaterThanOrEqual(1);
    expect(r.trades / 5).toBeLessThanOrEqual(20);
    expect(r.longs).toBeGreaterThan(0);
    expect(r.shorts).toBeGreaterThan(0);
  });
});
