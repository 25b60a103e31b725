import { describe, expect, it } from 'vitest';
import { resizeOrderLinkId, resizeOrders, type ResizeInput, type ResizePosition } from '../../../src/core/portfolio/resize.ts';
import { isOurOrderLinkId } from '../../../src/core/orders/orderLinkId.ts';

/** portfolio.resizeOpen's decision: which open positions a rebalance reduces, by how much. */
const AT = Date.UTC(2026, 0, 2);
const BTC = { qtyStep: 0.001, minOrderQty: 0.001 };

function input(positions: ResizePosition[], sleeves: Record<string, number>, patch: Partial<ResizeInput> = {}): ResizeInput {
  return { record: { at: AT, sleeves }, equity: 10_000, positions, ownerOf: () => 'range-v1', instrumentOf: () => BTC, ...patch };
}

// 0.1 BTC long at 50,000 with leverage 2: initial margin 2,500.
const long: ResizePosition = { symbol: 'BTCUSDT', side: 'Buy', size: 0.1, positionValue: 5_000, leverage: 2 };

describe('resizeOrders', () => {
  it('reduces a position whose sleeve budget fell below its margin by the excess, rounded down to qtyStep', () => {
    // Budget 0.2 x 10,000 = 2,000 of 2,500 used: 20% too much -> 0.02 BTC (a hair under by floating point: 0.019).
    const [o, ...rest] = resizeOrders(input([long], { 'BTCUSDT:range-v1': 0.2 }));
    expect(rest).toEqual([]);
    expect(o).toMatchObject({ symbol: 'BTCUSDT', presetId: 'range-v1', side: 'Sell', positionSize: 0.1, closesAll: false, budget: 2_000, used: 2_500 });
    expect(o!.qty).toBeGreaterThanOrEqual(0.019);
    expect(o!.qty).toBeLessThanOrEqual(0.02);
    // Rounded down: what remains uses at least the budget.
    expect(2_500 * (1 - o!.qty / 0.1)).toBeGreaterThanOrEqual(2_000 - 1e-9);
    expect(o!.orderLinkId).toBe(resizeOrderLinkId('range-v1', 'BTCUSDT', AT, 'Sell'));
    expect(isOurOrderLinkId(o!.orderLinkId)).toBe(true);
  });

  it('a short is reduced with a Buy; 1/3 of the margin over the budget takes a third off', () => {
    const [o] = resizeOrders(input([{ ...long, side: 'Sell', size: 0.3, positionValue: 15_000, leverage: 5 }], { 'BTCUSDT:range-v1': 0.2 }));
    expect(o).toMatchObject({ side: 'Buy', qty: 0.1, closesAll: false });
  });

  it('never increases a position: a budget at or above the margin changes nothing', () => {
    expect(resizeOrders(input([long], { 'BTCUSDT:range-v1': 0.25 }))).toEqual([]);
    expect(resizeOrders(input([long], { 'BTCUSDT:range-v1': 0.9 }))).toEqual([]);
  });

  it('an excess below minOrderQty is left alone; a remainder below minOrderQty closes the whole position', () => {
    // 0.5% over budget: 0.0005 BTC, under the 0.001 minimum.
    expect(resizeOrders(input([long], { 'BTCUSDT:range-v1': 0.24875 }))).toEqual([]);
    // The budget leaves 0.005 BTC, under a minimum of 0.01: closed.
    const [o] = resizeOrders(input([long], { 'BTCUSDT:range-v1': 0.0125 }, { instrumentOf: () => ({ qtyStep: 0.001, minOrderQty: 0.01 }) }));
    expect(o).toMatchObject({ qty: 0.1, closesAll: true });
    // No budget at all (weight 0): closed.
    expect(resizeOrders(input([long], {}))[0]).toMatchObject({ qty: 0.1, closesAll: true });
  });

  it('leaves positions of unknown owner or instrument, flat ones, and does nothing without equity; symbol order', () => {
    const eth: ResizePosition = { symbol: 'ETHUSDT', side: 'Buy', size: 2, positionValue: 6_000, leverage: 2 };
    const sleeves = { 'BTCUSDT:range-v1': 0.1, 'ETHUSDT:range-v1': 0.1 };
    expect(resizeOrders(input([eth, long], sleeves)).map((o) => o.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(resizeOrders(input([eth, long], sleeves, { ownerOf: (s) => (s === 'ETHUSDT' ? 'range-v1' : undefined) })).map((o) => o.symbol)).toEqual(['ETHUSDT']);
    expect(resizeOrders(input([eth, long], sleeves, { instrumentOf: (s) => (s === 'BTCUSDT' ? BTC : undefined) })).map((o) => o.symbol)).toEqual(['BTCUSDT']);
    expect(resizeOrders(input([{ ...long, size: 0, side: 'None' }], sleeves))).toEqual([]);
    expect(resizeOrders(input([long], sleeves, { equity: 0 }))).toEqual([]);
  });

  it('the order id is deterministic in (preset, symbol, rebalance time, side) and distinct from the preset\'s own exits', () => {
    expect(resizeOrderLinkId('range-v1', 'BTCUSDT', AT, 'Sell')).toBe(resizeOrderLinkId('range-v1', 'BTCUSDT', AT, 'Sell'));
    expect(resizeOrderLinkId('range-v1', 'BTCUSDT', AT, 'Sell')).not.toBe(resizeOrderLinkId('range-v1', 'BTCUSDT', AT + 3_600_000, 'Sell'));
    expect(resizeOrderLinkId('range-v1', 'BTCUSDT', AT, 'Sell')).not.toBe(resizeOrderLinkId('mtf-v1', 'BTCUSDT', AT, 'Sell'));
  });
});
