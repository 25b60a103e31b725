import { describe, expect, it } from 'vitest';
import { runActorEngine } from '../../src/backtest/actorEngine.ts';
import { runFastEngine } from '../../src/backtest/fast/fastEngine.ts';
import { FEATURE_COUNT, FEATURE_NAMES } from '../../src/core/ml/features.ts';
import { syntheticInput, testConfig } from '../support/backtestData.ts';
import { binding } from './support/models.ts';

/**
 * The ML filter runs in the kernel, so the actors (real runtime) and the fast engine filter
 * identically: a model that vetoes every short (side weight 1: longs p 0.73, shorts p 0.27 at
 * threshold 0.5) gives the same trades in both engines, and they differ from the unfiltered run.
 */
const config = testConfig({ risk: { dailyLossLimitPct: 50 }, strategies: [
  { id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'ETHUSDT'] },
  { id: 'vwap-v1', type: 'volumeVwap', symbols: ['BTCUSDT', 'ETHUSDT'] },
] });

describe('ML filter parity', () => {
  it('fast engine and actor engine make identical trades with a model filtering one preset', async () => {
    const weights = new Array<number>(FEATURE_COUNT).fill(0);
    weights[FEATURE_NAMES.indexOf('side')] = 1;
    const models = new Map([['range-v1', binding(0, {}, { weights, presetId: 'range-v1', strategyType: 'range' })]]);
    const input = syntheticInput(config, [{ symbol: 'BTCUSDT', interval: '5' }, { symbol: 'ETHUSDT', interval: '5' }], 40);
    const plain = runFastEngine(input);
    const fast = runFastEngine(input, { models });
    const actors = await runActorEngine(input, { models });
    const range = (trades: typeof fast.trades) => trades.filter((t) => t.presetId === 'range-v1');
    expect(range(plain.trades).some((t) => t.side === 'short')).toBe(true);
    expect(range(fast.trades).length).toBeGreaterThan(0);
    expect(range(fast.trades).every((t) => t.side === 'long')).toBe(true);
    expect(actors.trades).toEqual(fast.trades);
    expect(actors.endEquity).toBe(fast.endEquity);
  }, 120_000);
});
