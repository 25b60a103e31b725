import { describe, expect, it } from 'vitest';
import { newBarExit, resolveBarExit, type TriggerSet } from '../../../src/core/fills/barExit.ts';
import { configuredSchedule, fundingPayment, historySchedule, FUNDING_PERIOD_MS } from '../../../src/core/fills/funding.ts';
import { slippedPrice } from '../../../src/core/fills/slippage.ts';

const long: TriggerSet = { size: 1, stopLoss: 95, takeProfit: 110, liquidation: 80 };
const short: TriggerSet = { size: -1, stopLoss: 105, takeProfit: 90, liquidation: 120 };
const exit = (t: TriggerSet, open: number, high: number, low: number, bps = 0) => {
  const out = newBarExit();
  return resolveBarExit(t, open, high, low, bps, 0.01, out) ? { ...out } : null;
};

describe('bar-level exits (the fill model of stored candles)', () => {
  it('does nothing when the bar stays between the triggers', () => {
    expect(exit(long, 100, 109, 96)).toBeNull();
    expect(exit(short, 100, 104, 91)).toBeNull();
  });

  it('fires the stop first when the stop and the target are both inside one bar', () => {
    expect(exit(long, 100, 111, 94)).toEqual({ kind: 'StopLoss', trigger: 95, price: 95 });
    expect(exit(short, 100, 106, 89)).toEqual({ kind: 'StopLoss', trigger: 105, price: 105 });
  });

  it('takes the target when only the target is reached', () => {
    expect(exit(long, 100, 111, 96)).toEqual({ kind: 'TakeProfit', trigger: 110, price: 110 });
    expect(exit(short, 100, 104, 89)).toEqual({ kind: 'TakeProfit', trigger: 90, price: 90 });
  });

  it('fills a gap through a trigger at the open', () => {
    expect(exit(long, 93, 99, 92)).toEqual({ kind: 'StopLoss', trigger: 95, price: 93 });
    expect(exit(long, 112, 115, 90)).toEqual({ kind: 'TakeProfit', trigger: 110, price: 112 });
    expect(exit(short, 107, 108, 100)).toEqual({ kind: 'StopLoss', trigger: 105, price: 107 });
  });

  it('moves stop and target fills against us by the slippage, on the tick grid', () => {
    expect(exit(long, 100, 101, 94, 10)?.price).toBe(slippedPrice(95, 'Sell', 10, 0.01));
    expect(exit(long, 100, 101, 94, 10)?.price).toBe(94.91);
    expect(exit(short, 100, 101, 89, 10)?.price).toBe(90.09);
  });

  it('liquidates at the liquidation price when it comes before the stop (or there is none)', () => {
    expect(exit({ ...long, stopLoss: 0 }, 100, 101, 79)).toEqual({ kind: 'Liquidation', trigger: 80, price: 80 });
    expect(exit({ ...long, stopLoss: 70 }, 100, 101, 60)).toEqual({ kind: 'Liquidation', trigger: 80, price: 80 });
    expect(exit(long, 100, 101, 60)).toEqual({ kind: 'StopLoss', trigger: 95, price: 95 });
  });

  it('ignores a flat position', () => {
    expect(exit({ ...long, size: 0 }, 100, 200, 1)).toBeNull();
  });
});

describe('funding', () => {
  it('longs pay and shorts receive a positive rate on the position value at mark', () => {
    expect(fundingPayment(2, 100, 0.0001)).toBe(0.02);
    expect(fundingPayment(-2, 100, 0.0001)).toBe(-0.02);
  });

  it('settles at 00:00, 08:00 and 16:00 UTC with a configured rate', () => {
    const day = Date.UTC(2024, 0, 1);
    const s = configuredSchedule(0.0001, day + 1, day + 2 * 86_400_000);
    expect(s.time(0)).toBe(day + FUNDING_PERIOD_MS);
    expect(s.length).toBe(6);
    expect(s.firstAfter(day + FUNDING_PERIOD_MS)).toBe(1);
    expect(s.firstAfter(day)).toBe(0);
    expect(configuredSchedule(0, day, day + 86_400_000).length).toBe(0);
  });

  it('uses the stored settlement times when there is a history', () => {
    const s = historySchedule(new Float64Array([10, 20, 30]), new Float64Array([0.1, -0.2, 0.3]));
    expect([s.firstAfter(5), s.firstAfter(10), s.firstAfter(29), s.firstAfter(30)]).toEqual([0, 1, 2, 3]);
    expect(s.rate(1)).toBe(-0.2);
  });
});
