import { describe, expect, it } from 'vitest';
import { parseBacktestArgs, type BacktestArgs } from '../../src/backtest/cliArgs.ts';
import { planBacktest } from '../../src/backtest/runPlan.ts';
import type { HistoryStore } from '../../src/history/types.ts';
import { syntheticInput, testConfig } from '../support/backtestData.ts';

/** Planning a run: presets fitted to the data, the warm-up loaded from the store, fallbacks for filters and funding. */
const args = (argv: string[]): BacktestArgs => {
  const r = parseBacktestArgs(argv);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.args;
};

function fakeStore(): HistoryStore & { readonly ranges: Record<string, unknown>[] } {
  const generated = syntheticInput(testConfig(), [{ symbol: 'BTCUSDT', interval: '60' }], 24 * 40);
  const columns = generated.data.get('BTCUSDT')!.series[0]!;
  const ranges: Record<string, unknown>[] = [];
  return {
    dir: 'mem',
    ranges,
    loadCandles(symbol, interval, range = {}) {
      ranges.push({ symbol, interval, ...range });
      if (symbol !== 'BTCUSDT' || interval !== '60') throw new Error(`HISTORY_NOT_FOUND ${symbol} ${interval}`);
      const keep: number[] = [];
      for (let i = 0; i < columns.length; i++) if (columns.start[i]! >= (range.from ?? -Infinity) && columns.start[i]! <= (range.to ?? Infinity)) keep.push(i);
      const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]!);
      return { ...columns, length: keep.length, start: pick(columns.start), open: pick(columns.open), high: pick(columns.high), low: pick(columns.low), close: pick(columns.close), volume: pick(columns.volume), turnover: pick(columns.turnover) };
    },
    loadFunding: () => null,
    loadInstrument: () => null,
    list: () => [],
  };
}

describe('planning a backtest', () => {
  it('loads each series from three warm-ups before --from up to the last candle closing by --to, with fallbacks', async () => {
    const store = fakeStore();
    const from = Date.UTC(2026, 0, 25);
    const plan = await planBacktest(args(['--data', 'BTCUSDT:60', '--from', '2026-01-25T00:20:00Z', '--to', '2026-01-30T00:00:00Z', '--history-dir', 'somewhere']), testConfig(), async (dir) => {
      expect(dir).toBe('somewhere');
      return store;
    });
    // --from is rounded up to the 60-minute grid.
    expect(plan.input.from).toBe(from + 3_600_000);
    expect(plan.historyDir).toBe('somewhere');
    // multiTimeframe's 15-minute trend cannot run on 60-minute candles: left out, with the reason.
    expect(plan.skipped).toEqual([expect.stringMatching(/^mtf-v1 on BTCUSDT \(60-minute candles\): higherTimeframeMinutes: higherTimeframeMinutes 15 must be a multiple of the base interval 60/)]);
    expect(plan.input.config.strategies.map((s) => s.id)).toEqual(['range-v1', 'vwap-v1']);
    const warmup = 590; // range: converged warm-up 589 + 1
    expect(store.ranges).toEqual([{ symbol: 'BTCUSDT', interval: '60', from: plan.input.from - 3 * warmup * 3_600_000, to: Date.UTC(2026, 0, 30) - 3_600_000 }]);
    const data = plan.input.data.get('BTCUSDT')!;
    expect(data.instrument).toMatchObject({ symbol: 'BTCUSDT', tickSize: 0.1, qtyStep: 0.001 });
    expect(data.funding.source).toBe('configured');
  });

  it('fails with the reason when no preset can run on the data', async () => {
    const config = testConfig({ strategies: [{ id: 'mtf-v1', type: 'multiTimeframe', symbols: ['BTCUSDT'] }] });
    await expect(planBacktest(args(['--data', 'BTCUSDT:60', '--from', '2026-01-25T00:00:00Z', '--to', '2026-01-30T00:00:00Z']), config, async () => fakeStore())).rejects.toThrow(
      /no preset runs on BTCUSDT:60: mtf-v1 on BTCUSDT/,
    );
  });

  it('generates the synthetic market from the seed, one series per preset symbol and interval', async () => {
    const plan = await planBacktest(args(['--hours', '6', '--seed', '9']), testConfig(), async () => {
      throw new Error('no store for synthetic runs');
    });
    expect(plan.input).toMatchObject({ market: 'synthetic', seed: 9, from: Date.UTC(2026, 0, 5), to: Date.UTC(2026, 0, 5, 6) });
    expect([...plan.input.data.keys()]).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    expect(plan.input.data.get('ETHUSDT')!.series.map((s) => s.interval)).toEqual(['5']);
  });
});
