import { describe, expect, it } from 'vitest';
import { getStrategy } from '../../src/core/strategy/registry.ts';
import { DAY, ORIGIN, makeSim } from './simFixture.ts';

/**
 * The simulator exists so the dry-run actually trades: the reference range strategy on 5m
 * candles must see entries every few hours, not once a week.
 */
describe('generated market vs the range strategy', () => {
  it('gives the default range strategy entries every few hours on 5m candles', () => {
    const def = getStrategy('range')!;
    const params = def.paramsSchema.parse({});
    const { sim } = makeSim({ start: ORIGIN + 4 * DAY });
    const candles = sim.market.candles({ symbol: 'BTCUSDT', interval: '5', limit: 1000 }).slice(0, -1);
    let state = def.initState(params);
    const signalAt: number[] = [];
    candles.forEach((candle, i) => {
      state = def.update(state, candle, params);
      const indicators = def.indicators(state, params);
      if (indicators && def.signal(indicators, params).action !== 'none') signalAt.push(i);
    });
    // ~83 hours of candles: at least one entry per ~8 hours on average.
    expect(signalAt.length).toBeGreaterThan(10);
  });
});
