import { describe, expect, it } from 'vitest';
import { runFastEngine } from '../../src/backtest/fast/fastEngine.ts';
import { KernelSlot } from '../../src/backtest/fast/kernelSlot.ts';
import { getStrategy } from '../../src/core/strategy/registry.ts';
import { buildSystemInput } from '../../src/runtime/systemInput.ts';
import { RUN_START, syntheticInput, testConfig } from '../support/backtestData.ts';

const HOUR = 3_600_000;
const series = [
  { symbol: 'BTCUSDT', interval: '5' as const },
  { symbol: 'ETHUSDT', interval: '5' as const },
];

describe('fast engine', () => {
  it('pauses new entries until 00:00 UTC when the daily loss limit is reached, and trades again after', () => {
    const input = syntheticInput(testConfig({ risk: { dailyLossLimitPct: 1 } }), series, 72);
    const run = runFastEngine(input);
    expect(run.pauses.length).toBeGreaterThanOrEqual(2);
    for (const p of run.pauses) {
      expect(p).toMatchObject({ kind: 'pause', code: 'DAILY_LOSS_LIMIT' });
      expect(p.reason).toMatch(/^equity [\d.]+ is down more than 1% from the UTC day's start [\d.]+$/);
      expect(p.equity).toBeLessThanOrEqual(p.dayStartEquity * 0.99);
      expect(run.trades.filter((t) => t.entryTime > p.from && t.entryTime < (p.until ?? Infinity))).toEqual([]);
      if (p.until !== null && p.until < input.to) expect(run.trades.some((t) => t.entryTime >= p.until!)).toBe(true);
    }
  });

  it('halts for the rest of the run with risk.dailyLossAction halt', () => {
    const run = runFastEngine(syntheticInput(testConfig({ risk: { dailyLossLimitPct: 1, dailyLossAction: 'halt' } }), series, 72));
    expect(run.pauses).toHaveLength(1);
    const halt = run.pauses[0]!;
    expect(halt).toMatchObject({ kind: 'halt', until: null, code: 'DAILY_LOSS_LIMIT' });
    expect(run.trades.filter((t) => t.entryTime > halt.from)).toEqual([]);
  });

  it('marks the equity to the end and closes what is still open at the last close, without a fee', () => {
    const input = syntheticInput(testConfig(), series, 12);
    const run = runFastEngine(input);
    expect(run.equity.time[0]).toBe(RUN_START);
    expect(run.equity.time.at(-1)).toBe(RUN_START + 12 * HOUR);
    expect(run.equity.equity.at(-1)).toBe(run.endEquity);
    for (const t of run.trades.filter((x) => x.exitReason === 'EndOfData')) expect(t.exitTime).toBe(input.to);
    const net = run.trades.reduce((sum, t) => sum + t.netPnl, 0);
    // The open trades' unrealised pnl at the last close is in both the end equity and their netPnl.
    expect(Math.abs(run.startEquity + net - run.endEquity)).toBeLessThan(0.01);
    // Candles closing in [from, to]: the 144 of the run and the one closing at `from` (the first decision's).
    expect(run.candlesProcessed).toBe(2 * (12 * 12 + 1));
  });

  it('misses the ticks that arrive while an actor cools down (cooldown longer than the interval)', () => {
    const config = testConfig({ actor: { cooldownMs: 12 * 60_000 } });
    const input = syntheticInput(config, [{ symbol: 'BTCUSDT', interval: '5' }], 1);
    const child = buildSystemInput(input.config, RUN_START).symbols[0]!.children[0]!;
    const slot = new KernelSlot(0, child, getStrategy(child.strategyType)!, input.data.get('BTCUSDT')!.series[0]!, { position: {} } as never, {
      cooldownMs: 12 * 60_000,
      tickDelayMs: 2_000,
      disableAfterTrips: 3,
      tripWindowMs: HOUR,
    });
    const ticks = [RUN_START, ...Array.from({ length: 8 }, (_, i) => RUN_START + (i + 1) * 300_000 + 2_000)];
    // Taken at 0 (idle again at 12:00), missed 05:02 and 10:02, taken 15:02 (idle at 27:02), missed 20:02 and 25:02, taken 30:02...
    expect(ticks.map((t, i) => slot.takesTick(t, i === 0))).toEqual([true, false, false, true, false, false, true, false, false]);
  });
});
