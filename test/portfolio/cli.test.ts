import { describe, expect, it } from 'vitest';
import { parseBacktestArgs } from '../../src/backtest/cliArgs.ts';
import { formatAllocationRuns } from '../../src/backtest/allocationTable.ts';
import { runFastEngine } from '../../src/backtest/fast/fastEngine.ts';
import { summarize } from '../../src/backtest/metrics.ts';
import type { AllocationMode } from '../../src/core/portfolio/types.ts';
import { syntheticInput, testConfig } from '../support/backtestData.ts';

const base = ['--market', 'synthetic', '--hours', '24'];

describe('npm run backtest -- --allocation', () => {
  it('takes a list of allocation modes and refuses unknown or repeated ones, --compare and --report', () => {
    const ok = parseBacktestArgs([...base, '--allocation', 'equal,riskParity,performance']);
    expect(ok).toMatchObject({ ok: true, args: { allocation: ['equal', 'riskParity', 'performance'] } });
    const bad = parseBacktestArgs([...base, '--allocation', 'equal,kelly,equal', '--report', 'r.html']);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems).toEqual([
      '--allocation: "kelly" must be one of none, fixed, equal, riskParity, performance',
      '--allocation: a mode is listed twice',
      '--allocation: prints a table (drop --report, or run one mode with portfolio.allocation.mode)',
    ]);
  });

  it('prints the modes side by side with each preset\'s contribution', () => {
    const config = testConfig({ strategies: [{ id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'ETHUSDT'] }, { id: 'vwap-v1', type: 'volumeVwap', symbols: ['BTCUSDT'] }] });
    const input = syntheticInput(config, [{ symbol: 'BTCUSDT', interval: '5' }, { symbol: 'ETHUSDT', interval: '5' }], 30, 2);
    const runs = (['none', 'equal', 'riskParity'] as AllocationMode[]).map((mode) => {
      const run = runFastEngine({ ...input, config: { ...input.config, portfolio: { ...input.config.portfolio, allocation: { ...input.config.portfolio.allocation, mode } } } });
      return { mode, run, results: summarize(run) };
    });
    const text = formatAllocationRuns(runs);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^mode\s+trades\s+net PnL\s+return %\s+Sharpe/);
    expect(lines[2]).toMatch(/^none\s+\d+\s+-?\d+\.\d\d.*whole equity/);
    expect(lines[3]).toMatch(/^equal\s+\d+.*range-v1 50% vwap-v1 50%\s+BTC 75% ETH 25%$/);
    expect(lines[4]).toMatch(/^riskParity\s+\d+/);
    expect(text).toContain('contribution per preset');
    // The budgets changed the sizes: the same signals, smaller quantities than with the whole equity.
    expect(runs[1]!.results.portfolio.trades).toBeGreaterThan(0);
    expect(Math.abs(runs[1]!.results.portfolio.netPnl)).toBeLessThan(Math.abs(runs[0]!.results.portfolio.netPnl));
    expect(runs[1]!.results.allocation.contributions.map((c) => c.presetId)).toEqual(['range-v1', 'vwap-v1']);
  });
});
