import { describe, expect, it } from 'vitest';
import { describeRunSummary, summarizeRun } from '../../src/journal/runSummary.ts';
import type { ClosedTrade } from '../../src/journal/tradeCsv.ts';

/** Finding 11: the end-of-run summary's figures. */
const trade = (strategy: string, exitTime: number, grossPnl: number, fees: number): ClosedTrade => ({
  symbol: 'BTCUSDT',
  strategy,
  side: 'Long',
  qty: 0.01,
  entryTime: exitTime - 1,
  entryPrice: 60_000,
  exitTime,
  exitPrice: 60_000,
  exitReason: 'TakeProfit',
  grossPnl,
  fees,
  netPnl: grossPnl - fees,
  orderLinkId: 'bb1-x',
  correlationId: 'c',
});

describe('run summary', () => {
  it('counts the trades closed during the run, per preset and for the account, with funding', () => {
    const since = Date.UTC(2026, 0, 5);
    const s = summarizeRun([trade('range-v1', since - 1, 99, 1), trade('range-v1', since + 1, 10, 0.5), trade('range-v1', since + 2, -4, 0.5), trade('mtf-v1', since + 3, 6, 0.25)], -0.75, since);
    expect(s.byPreset).toEqual({
      'mtf-v1': { trades: 1, wins: 1, grossPnl: 6, fees: 0.25, netPnl: 5.75 },
      'range-v1': { trades: 2, wins: 1, grossPnl: 6, fees: 1, netPnl: 5 },
    });
    expect(s.account).toEqual({ trades: 3, wins: 2, grossPnl: 12, fees: 1.25, netPnl: 10.75, funding: -0.75, netWithFunding: 10 });
    expect(describeRunSummary(s)).toBe(
      'run summary since 2026-01-05T00:00:00.000Z: 3 closed trade(s), 2 winning, gross 12.00 USDT, fees 1.25, net 10.75, funding -0.75, net with funding 10.00 | mtf-v1: 1 trade(s), net 5.75 after fees 0.25; range-v1: 2 trade(s), net 5.00 after fees 1.00',
    );
  });
});
