import { describe, expect, it } from 'vitest';
import { runFastEngine } from '../../src/backtest/fast/fastEngine.ts';
import { syntheticInput, testConfig } from '../support/backtestData.ts';
import { FEATURE_HISTORY } from '../../src/core/ml/features.ts';
import { binding } from './support/models.ts';

const series = [{ symbol: 'BTCUSDT', interval: '60' as const }, { symbol: 'ETHUSDT', interval: '60' as const }];
const config = testConfig({ risk: { riskPerTradePct: 0.2 }, strategies: [{ id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'ETHUSDT'], params: { interval: '60' } }] });

describe('ML filter in the fast engine', () => {
  const input = syntheticInput(config, series, 24 * 40);
  const plain = runFastEngine(input);

  it('has entries to filter', () => {
    expect(plain.trades.length).toBeGreaterThan(10);
  });

  it('a model that passes every signal changes nothing', () => {
    const run = runFastEngine(input, { models: new Map([['range-v1', binding(9)]]) });
    expect(run.trades).toEqual(plain.trades);
    expect(run.endEquity).toBe(plain.endEquity);
  });

  it('a model that vetoes every signal leaves only the trades made before its history was loaded; another preset id is not affected', () => {
    // The generated data has 72 hours before the run: the filter waits until 97 candles are held.
    const firstRow = input.data.get('BTCUSDT')!.series[0]!.start[0]!;
    const vetoed = runFastEngine(input, { models: new Map([['range-v1', binding(-9)]]) }).trades;
    const early = plain.trades.filter((t) => t.signalCandleStart < firstRow + (FEATURE_HISTORY - 1) * 3_600_000);
    expect(vetoed.length).toBeLessThan(plain.trades.length);
    expect(vetoed.map((t) => [t.symbol, t.signalCandleStart])).toEqual(early.map((t) => [t.symbol, t.signalCandleStart]));
    expect(runFastEngine(input, { models: new Map([['other', binding(-9)]]) }).trades).toEqual(plain.trades);
  });

  it('scale mode keeps the entries and shrinks their size', () => {
    const run = runFastEngine(input, { models: new Map([['range-v1', binding(0, { mode: 'scale' })]]) });
    expect(run.trades.length).toBeGreaterThan(0);
    const firstRow = input.data.get('BTCUSDT')!.series[0]!.start[0]!;
    const first = run.trades.find((t) => t.signalCandleStart >= firstRow + FEATURE_HISTORY * 3_600_000)!;
    const same = plain.trades.find((t) => t.signalCandleStart === first.signalCandleStart && t.symbol === first.symbol)!;
    // Probability 0.5: half the risk, so about half the quantity (on the instrument's qtyStep).
    expect(first.riskAmount / same.riskAmount).toBeGreaterThan(0.4);
    expect(first.riskAmount / same.riskAmount).toBeLessThan(0.6);
  });
});
