import { describe, expect, it } from 'vitest';
import { runActorEngine } from '../../src/backtest/actorEngine.ts';
import { runFastEngine } from '../../src/backtest/fast/fastEngine.ts';
import type { BacktestInput } from '../../src/backtest/input.ts';
import type { BacktestRun } from '../../src/backtest/types.ts';
import { damaged, syntheticInput, testConfig } from '../support/backtestData.ts';

/**
 * Parity: the fast engine and the real runtime (actors, supervisors, order manager, the
 * simulator replaying the candles, lock-step clock) make exactly the same trades on the same
 * candles: entry and exit times, side, quantity, prices, fees, funding, exit reasons, the
 * signal behind each entry; and the same daily-loss pauses and final equity. Two datasets:
 * clean generated candles on two symbols of different intervals, and the same kind of data
 * with gaps, flat no-volume stretches, bad rows and a stored funding history.
 */

// A tighter daily loss limit, so that the runs pause (and resume) on their way.
const config = testConfig({ risk: { dailyLossLimitPct: 2 }, strategies: [
  { id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'ETHUSDT'] },
  { id: 'mtf-v1', type: 'multiTimeframe', symbols: ['BTCUSDT', 'ETHUSDT'], params: { higherTimeframeMinutes: 60 } },
  { id: 'vwap-v1', type: 'volumeVwap', symbols: ['BTCUSDT', 'ETHUSDT'] },
] });

function comparable(run: BacktestRun) {
  return { trades: run.trades, pauses: run.pauses, endEquity: run.endEquity, funding: run.funding, candles: run.candlesProcessed, data: run.data };
}

async function both(input: BacktestInput): Promise<{ fast: BacktestRun; actors: BacktestRun }> {
  const fast = runFastEngine(input);
  const actors = await runActorEngine(input);
  return { fast, actors };
}

describe('fast engine and actor engine make identical trades', () => {
  it('on clean generated candles (BTCUSDT 5m, ETHUSDT 15m, 40 hours)', async () => {
    const input = syntheticInput(config, [{ symbol: 'BTCUSDT', interval: '5' }, { symbol: 'ETHUSDT', interval: '15' }], 40);
    const { fast, actors } = await both(input);
    expect(fast.trades.length).toBeGreaterThanOrEqual(15);
    expect(fast.trades.some((t) => t.exitReason === 'StopLoss') && fast.trades.some((t) => t.exitReason === 'TakeProfit')).toBe(true);
    expect(new Set(fast.trades.map((t) => t.symbol))).toEqual(new Set(['BTCUSDT', 'ETHUSDT']));
    expect(fast.pauses.length).toBeGreaterThanOrEqual(1);
    expect(comparable(actors)).toEqual(comparable(fast));
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ parity: { dataset: 'clean', trades: fast.trades.length, pauses: fast.pauses.length, endEquity: fast.endEquity, fastMs: Math.round(fast.elapsedMs), actorsMs: Math.round(actors.elapsedMs) } }));
  }, 60_000);

  it('on candles with gaps, flat no-volume stretches, bad rows and a stored funding history', async () => {
    const input = damaged(syntheticInput(config, [{ symbol: 'BTCUSDT', interval: '5' }, { symbol: 'ETHUSDT', interval: '5' }], 60, 7));
    const { fast, actors } = await both(input);
    const issues = fast.data.map((d) => d.dataIssues);
    for (const reason of ['GAP', 'NON_FINITE', 'OHLC_INCONSISTENT', 'NEGATIVE']) expect(issues.every((i) => (i[reason] ?? 0) > 0), reason).toBe(true);
    expect(issues.every((i) => (i.GAP ?? 0) >= 3)).toBe(true);
    expect(fast.trades.length).toBeGreaterThanOrEqual(10);
    expect(fast.trades.some((t) => t.funding !== 0)).toBe(true);
    // Both modes decided trades: the fallback while the defects were in the windows, the full strategies after.
    expect(new Set(fast.trades.map((t) => t.signalMode))).toEqual(new Set(['degraded', 'full']));
    expect(Object.values(fast.funding).every((f) => f.source === 'history')).toBe(true);
    expect(comparable(actors)).toEqual(comparable(fast));
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ parity: { dataset: 'damaged', trades: fast.trades.length, degraded: fast.trades.filter((t) => t.signalMode === 'degraded').length, pauses: fast.pauses.length, issues } }));
  }, 60_000);

  it('with the daily loss limit in halt mode (the emergency stop ends the trading for the run)', async () => {
    const halting = testConfig({ risk: { dailyLossLimitPct: 1, dailyLossAction: 'halt' } });
    const input = syntheticInput(halting, [{ symbol: 'SOLUSDT', interval: '5' }], 30, 3);
    const { fast, actors } = await both(input);
    expect(fast.pauses).toEqual([expect.objectContaining({ kind: 'halt', until: null, code: 'DAILY_LOSS_LIMIT' })]);
    expect(comparable(actors)).toEqual(comparable(fast));
  }, 60_000);
});
