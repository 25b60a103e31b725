import { describe, expect, it } from 'vitest';
import { markPaper, newPaperAccount, openPaper, paperEquity, summarizePaper } from '../../src/core/paper/paperAccount.ts';
import type { Candle } from '../../src/domain/types.ts';

const s = { takerFeeRate: 0.001, slippageBps: 10 };
const M5 = 300_000;
const candle = (start: number, open: number, high: number, low: number, close: number): Candle => ({ start, open, high, low, close, volume: 1, turnover: 1 });

describe('paper account', () => {
  it('fills with slippage and the taker fee, and closes at the take-profit', () => {
    let { account, opened } = openPaper(newPaperAccount(1_000), { symbol: 'X', side: 'Buy', qty: 2, price: 100, stopLoss: 95, takeProfit: 110, signalCandleStart: 0, candleMs: M5, at: M5 }, s);
    expect(opened).toBe(true);
    expect(account.positions.X!.entryPrice).toBeCloseTo(100.1, 10);
    // The signal candle itself cannot close it; the next one touches neither; the third reaches the target.
    account = markPaper(account, 'X', [candle(0, 90, 120, 80, 100), candle(M5, 100, 105, 96, 104), candle(2 * M5, 104, 111, 103, 109)], M5, s);
    expect(account.positions.X).toBeUndefined();
    const trade = account.trades[0]!;
    expect(trade).toMatchObject({ exitReason: 'TakeProfit', exitPrice: 110, closedAt: 3 * M5 });
    expect(trade.grossPnl).toBeCloseTo(2 * (110 - 100.1), 10);
    expect(trade.fees).toBeCloseTo(2 * 100.1 * 0.001 + 2 * 110 * 0.001, 10);
    expect(paperEquity(account)).toBeCloseTo(1_000 + trade.netPnl, 10);
    expect(summarizePaper(account)).toMatchObject({ trades: 1, wins: 1, openPositions: 0 });
  });

  it('a short whose candle reaches both stop and target takes the stop; a gap exits at the open', () => {
    let { account } = openPaper(newPaperAccount(1_000), { symbol: 'X', side: 'Sell', qty: 1, price: 100, stopLoss: 105, takeProfit: 90, signalCandleStart: 0, candleMs: M5, at: M5 }, { takerFeeRate: 0, slippageBps: 0 });
    account = markPaper(account, 'X', [candle(M5, 100, 106, 89, 95)], M5, { takerFeeRate: 0, slippageBps: 0 });
    expect(account.trades[0]).toMatchObject({ exitReason: 'StopLoss', exitPrice: 105, netPnl: -5 });
    ({ account } = openPaper(account, { symbol: 'X', side: 'Buy', qty: 1, price: 100, stopLoss: 95, takeProfit: 120, signalCandleStart: M5, candleMs: M5, at: 2 * M5 }, { takerFeeRate: 0, slippageBps: 0 }));
    account = markPaper(account, 'X', [candle(2 * M5, 90, 92, 88, 91)], M5, { takerFeeRate: 0, slippageBps: 0 });
    expect(account.trades[1]).toMatchObject({ exitReason: 'StopLoss', exitPrice: 90, netPnl: -10 });
    expect(account.realized).toBe(-15);
  });

  it('one position per symbol; the open position is marked to the last close', () => {
    let { account } = openPaper(newPaperAccount(500), { symbol: 'X', side: 'Buy', qty: 1, price: 100, stopLoss: 90, takeProfit: 120, signalCandleStart: 0, candleMs: M5, at: M5 }, { takerFeeRate: 0, slippageBps: 0 });
    expect(openPaper(account, { symbol: 'X', side: 'Sell', qty: 1, price: 100, stopLoss: 110, takeProfit: 80, signalCandleStart: 0, candleMs: M5, at: M5 }, s).opened).toBe(false);
    account = markPaper(account, 'X', [candle(M5, 100, 104, 99, 103)], M5, s);
    expect(paperEquity(account)).toBe(503);
    expect(summarizePaper(account, 'X')).toMatchObject({ trades: 0, openPositions: 1, netPnl: 3 });
  });
});
