import { describe, expect, it } from 'vitest';
import {
  DuplicateOrderError,
  InsufficientBalanceError,
  InvalidRequestError,
  OrderNotFoundError,
  OrderRejectedError,
} from '../../src/domain/errors.ts';
import type { Execution } from '../../src/domain/types.ts';
import { roundToStep } from '../../src/core/steps.ts';
import { MINUTE, advanceUntil, makeSim } from './simFixture.ts';

const fee = (qty: number, price: number, rate: number): number => Number((qty * price * rate).toFixed(8));

describe('matching engine', () => {
  it('fills a market buy at the last price plus slippage, charging the taker fee (fillModel slippage)', async () => {
    const { sim } = makeSim({ fillModel: 'slippage' });
    const { port } = sim;
    const last = (await port.ticker('BTCUSDT')).lastPrice;
    const ack = await port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'buy-1' });
    expect(ack.orderLinkId).toBe('buy-1');
    expect(ack.orderId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const fillPrice = roundToStep(last * 1.0002, 0.1);
    const takerFee = fee(0.01, fillPrice, 0.00055);
    const [execution] = await port.executions({ symbol: 'BTCUSDT' });
    expect(execution).toMatchObject({ orderId: ack.orderId, execPrice: fillPrice, execQty: 0.01, execFee: takerFee, isMaker: false, closedSize: 0, stopOrderType: 'Trade' });

    const [position] = await port.positions('BTCUSDT');
    expect(position).toMatchObject({ side: 'Buy', size: 0.01, avgPrice: fillPrice, leverage: 10, markPrice: last, cumRealisedPnl: -takerFee });
    expect(position!.unrealisedPnl).toBeCloseTo(0.01 * (last - fillPrice), 8);

    const balance = await port.balance();
    expect(balance.walletBalance).toBeCloseTo(10_000 - takerFee, 8);
    expect(balance.equity).toBeCloseTo(10_000 - takerFee + 0.01 * (last - fillPrice), 8);
    expect(balance.availableBalance).toBeCloseTo(balance.equity - (0.01 * fillPrice) / 10, 6);

    const order = await port.findOrder({ symbol: 'BTCUSDT', orderLinkId: 'buy-1' });
    expect(order).toMatchObject({ status: 'Filled', cumExecQty: 0.01, avgPrice: fillPrice, cumExecFee: takerFee });
  });

  it('closes a position with realised pnl booked to the wallet', async () => {
    const { sim, clock } = makeSim();
    const { port } = sim;
    await port.placeOrder({ symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: 1, orderLinkId: 'short' });
    await clock.advanceBy(30 * MINUTE);
    await port.placeOrder({ symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: 1, orderLinkId: 'cover', reduceOnly: true });
    const [cover, short] = await port.executions({ symbol: 'ETHUSDT' });
    expect(cover!.closedSize).toBe(1);
    const pnl = short!.execPrice - cover!.execPrice;
    const expected = 10_000 + pnl - short!.execFee - cover!.execFee;
    expect((await port.balance()).walletBalance).toBeCloseTo(expected, 6);
    const [position] = await port.positions('ETHUSDT');
    expect(position).toMatchObject({ side: 'None', size: 0 });
    expect(position!.cumRealisedPnl).toBeCloseTo(expected - 10_000, 6);
    expect(await port.positions()).toEqual([]);
  });

  it('rests a limit order and fills it as maker when the price crosses it', async () => {
    const { sim, clock } = makeSim();
    const { port } = sim;
    const last = (await port.ticker('BTCUSDT')).lastPrice;
    const price = roundToStep(last * 0.998, 0.1);
    const placedAt = clock.now();
    await port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', price, qty: 0.002, orderLinkId: 'dip' });
    expect(await port.openOrders('BTCUSDT')).toMatchObject([{ orderLinkId: 'dip', status: 'New', price }]);

    const filled = await advanceUntil(clock, async () => (await port.openOrders('BTCUSDT')).length === 0 || false);
    expect(filled).toBe(true);
    const [execution] = await port.executions({});
    expect(execution).toMatchObject({ execPrice: price, isMaker: true, execFee: fee(0.002, price, 0.0002) });
    // The fill happened in the first minute whose low reached the limit.
    const bars = sim.market.candles({ symbol: 'BTCUSDT', interval: '1', limit: 1000, start: placedAt - MINUTE });
    const first = bars.find((b) => b.start + MINUTE > placedAt && b.low <= price)!;
    expect(execution!.execTime).toBeGreaterThan(first.start);
    expect(execution!.execTime).toBeLessThanOrEqual(first.start + MINUTE);
  });

  it('cancels a marketable PostOnly order instead of letting it take liquidity', async () => {
    const { sim } = makeSim();
    const { port } = sim;
    const ask = (await port.ticker('BTCUSDT')).ask1Price;
    await port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', price: roundToStep(ask + 10, 0.1), qty: 0.001, timeInForce: 'PostOnly', orderLinkId: 'po' });
    expect(await port.findOrder({ symbol: 'BTCUSDT', orderLinkId: 'po' })).toMatchObject({ status: 'Cancelled', rejectReason: 'EC_PostOnlyWillTakeLiquidity', cumExecQty: 0 });
    expect(await port.positions()).toEqual([]);
    expect(await port.openOrders()).toEqual([]);
  });

  it('rejects invalid quantities and prices with errors that name the field', async () => {
    const { port } = makeSim().sim;
    const base = { symbol: 'BTCUSDT', side: 'Buy' as const, orderType: 'Market' as const, orderLinkId: 'x' };
    await expect(port.placeOrder({ ...base, qty: 0.0015 })).rejects.toThrow(/qty 0.0015 is not a multiple of qtyStep 0.001/);
    await expect(port.placeOrder({ ...base, qty: 0.0015 })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(port.placeOrder({ ...base, qty: 0.0001 })).rejects.toThrow(/qty 0.0001 is below minOrderQty/);
    await expect(port.placeOrder({ ...base, qty: 200 })).rejects.toThrow(/maxMktOrderQty/);
    await expect(port.placeOrder({ ...base, orderType: 'Limit', price: 60000.05, qty: 0.001 })).rejects.toThrow(/price 60000.05 is not a multiple of tickSize/);
    await expect(port.placeOrder({ ...base, orderType: 'Limit', price: 1000, qty: 0.001 })).rejects.toThrow(/minimum order value/);
    await expect(port.placeOrder({ ...base, qty: 0.001, stopLoss: 99_999.9 })).rejects.toThrow(/stopLoss 99999.9 must be below/);
    await expect(port.placeOrder({ ...base, symbol: 'NOPE', qty: 1 })).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
  });

  it('rejects a reused orderLinkId, even after the first order closed', async () => {
    const { port } = makeSim().sim;
    const request = { symbol: 'BTCUSDT', side: 'Buy' as const, orderType: 'Market' as const, qty: 0.001, orderLinkId: 'once' };
    await port.placeOrder(request);
    await expect(port.placeOrder(request)).rejects.toBeInstanceOf(DuplicateOrderError);
    await expect(port.placeOrder({ ...request, symbol: 'ETHUSDT', qty: 0.01 })).rejects.toBeInstanceOf(DuplicateOrderError);
  });

  it('refuses orders whose margin exceeds the available balance', async () => {
    const { port } = makeSim({ initialBalance: 100 }).sim;
    // 0.02 BTC at ~60k and 10x needs ~120 USDT of margin.
    await expect(port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.02, orderLinkId: 'big' })).rejects.toBeInstanceOf(InsufficientBalanceError);
    await port.setLeverage('BTCUSDT', 20);
    await expect(port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.02, orderLinkId: 'big2' })).resolves.toBeDefined();
  });

  it('rejects a reduce-only order that would open or grow a position', async () => {
    const { port } = makeSim().sim;
    const request = { symbol: 'BTCUSDT', side: 'Sell' as const, orderType: 'Market' as const, qty: 0.001, reduceOnly: true, orderLinkId: 'ro' };
    await expect(port.placeOrder(request)).rejects.toBeInstanceOf(OrderRejectedError);
  });

  it('validates leverage against the instrument', async () => {
    const { port } = makeSim().sim;
    await expect(port.setLeverage('SOLUSDT', 80)).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(port.setLeverage('SOLUSDT', 5.005)).rejects.toThrow(/leverageStep/);
    await port.setLeverage('SOLUSDT', 5.5);
    expect((await port.positions('SOLUSDT'))[0]!.leverage).toBe(5.5);
  });

  it('attaches TP/SL from the entry order and triggers the stop-loss as time advances', async () => {
    const { sim, clock } = makeSim({ fillModel: 'slippage' });
    const { port } = sim;
    const last = (await port.ticker('BTCUSDT')).lastPrice;
    const stopLoss = roundToStep(last * 0.997, 0.1);
    const takeProfit = roundToStep(last * 1.5, 0.1);
    await port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'entry', stopLoss, takeProfit });
    const [position] = await port.positions('BTCUSDT');
    expect(position).toMatchObject({ stopLoss, takeProfit });
    const stops = await port.openOrders('BTCUSDT');
    expect(stops).toHaveLength(2);
    expect(stops.map((o) => o.stopOrderType).sort()).toEqual(['StopLoss', 'TakeProfit']);
    expect(stops.every((o) => o.status === 'Untriggered' && o.reduceOnly && o.orderLinkId === '' && o.side === 'Sell')).toBe(true);
    const slOrderId = stops.find((o) => o.stopOrderType === 'StopLoss')!.orderId;

    const closed = await advanceUntil(clock, async () => (await port.positions()).length === 0);
    expect(closed).toBe(true);
    const [exit, entry] = (await port.executions({ symbol: 'BTCUSDT' })) as [Execution, Execution];
    expect(exit).toMatchObject({ stopOrderType: 'StopLoss', side: 'Sell', closedSize: 0.01, orderId: slOrderId, execPrice: roundToStep(stopLoss * 0.9998, 0.1) });
    const wallet = (await port.balance()).walletBalance;
    expect(wallet).toBeCloseTo(10_000 + 0.01 * (exit.execPrice - entry.execPrice) - entry.execFee - exit.execFee, 6);
    expect(await port.openOrders()).toEqual([]);
    expect(await port.findOrder({ symbol: 'BTCUSDT', orderId: slOrderId })).toMatchObject({ status: 'Filled', stopOrderType: 'StopLoss' });
  });

  it('moves and removes stops with setTradingStop, checking their side', async () => {
    const { port } = makeSim().sim;
    const last = (await port.ticker('ETHUSDT')).lastPrice;
    await expect(port.setTradingStop({ symbol: 'ETHUSDT', stopLoss: 1 })).rejects.toBeInstanceOf(InvalidRequestError);
    await port.placeOrder({ symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: 0.1, orderLinkId: 'short' });
    await expect(port.setTradingStop({ symbol: 'ETHUSDT', stopLoss: roundToStep(last * 0.9, 0.01) })).rejects.toThrow(/stopLoss .* must be above/);
    await port.setTradingStop({ symbol: 'ETHUSDT', stopLoss: roundToStep(last * 1.1, 0.01), takeProfit: roundToStep(last * 0.9, 0.01) });
    expect(await port.openOrders('ETHUSDT')).toHaveLength(2);
    await port.setTradingStop({ symbol: 'ETHUSDT', takeProfit: 0 });
    const [position] = await port.positions('ETHUSDT');
    expect(position).toMatchObject({ takeProfit: 0, stopLoss: roundToStep(last * 1.1, 0.01) });
    expect((await port.openOrders('ETHUSDT')).map((o) => o.stopOrderType)).toEqual(['StopLoss']);
  });

  it('cancelAllOrders cancels resting orders but keeps the position TP/SL', async () => {
    const { port } = makeSim().sim;
    const last = (await port.ticker('BTCUSDT')).lastPrice;
    await port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.001, orderLinkId: 'e', stopLoss: roundToStep(last * 0.95, 0.1) });
    await port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', price: roundToStep(last * 0.9, 0.1), qty: 0.001, orderLinkId: 'l1' });
    await port.placeOrder({ symbol: 'ETHUSDT', side: 'Sell', orderType: 'Limit', price: 9000, qty: 0.01, orderLinkId: 'l2' });
    const acks = await port.cancelAllOrders();
    expect(acks.map((a) => a.orderLinkId).sort()).toEqual(['l1', 'l2']);
    const open = await port.openOrders();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ stopOrderType: 'StopLoss', status: 'Untriggered' });
    expect(await port.findOrder({ symbol: 'BTCUSDT', orderLinkId: 'l1' })).toMatchObject({ status: 'Cancelled' });
  });

  it('cancels by orderId or orderLinkId and reports unknown orders', async () => {
    const { port } = makeSim().sim;
    const a = await port.placeOrder({ symbol: 'SOLUSDT', side: 'Buy', orderType: 'Limit', price: 50, qty: 1, orderLinkId: 'a' });
    await port.placeOrder({ symbol: 'SOLUSDT', side: 'Buy', orderType: 'Limit', price: 51, qty: 1, orderLinkId: 'b' });
    await expect(port.cancelOrder({ symbol: 'SOLUSDT', orderId: a.orderId })).resolves.toEqual(a);
    await expect(port.cancelOrder({ symbol: 'SOLUSDT', orderLinkId: 'b' })).resolves.toMatchObject({ orderLinkId: 'b' });
    await expect(port.cancelOrder({ symbol: 'SOLUSDT', orderLinkId: 'b' })).rejects.toBeInstanceOf(OrderNotFoundError);
    await expect(port.cancelOrder({ symbol: 'SOLUSDT', orderLinkId: 'never' })).rejects.toBeInstanceOf(OrderNotFoundError);
    expect(await port.findOrder({ symbol: 'SOLUSDT', orderLinkId: 'never' })).toBeNull();
    expect(await port.findOrder({ symbol: 'SOLUSDT', orderId: a.orderId })).toMatchObject({ status: 'Cancelled', orderLinkId: 'a' });
  });

  it('cancels IOC and FOK limits that cannot fill at once', async () => {
    const { port } = makeSim().sim;
    await port.placeOrder({ symbol: 'SOLUSDT', side: 'Buy', orderType: 'Limit', price: 50, qty: 1, timeInForce: 'IOC', orderLinkId: 'ioc' });
    await port.placeOrder({ symbol: 'SOLUSDT', side: 'Buy', orderType: 'Limit', price: 50, qty: 1, timeInForce: 'FOK', orderLinkId: 'fok' });
    expect(await port.findOrder({ symbol: 'SOLUSDT', orderLinkId: 'ioc' })).toMatchObject({ status: 'Cancelled', rejectReason: 'EC_NoImmediateQtyToFill' });
    expect(await port.findOrder({ symbol: 'SOLUSDT', orderLinkId: 'fok' })).toMatchObject({ status: 'Cancelled', rejectReason: 'EC_CancelForNoFullFill' });
  });

  it('liquidates a high-leverage position in a crash', async () => {
    const { sim, clock } = makeSim({ regimes: { SOLUSDT: 'crash' } });
    const { port } = sim;
    await port.setLeverage('SOLUSDT', 50);
    await port.placeOrder({ symbol: 'SOLUSDT', side: 'Buy', orderType: 'Market', qty: 10, orderLinkId: 'doomed' });
    const liqPrice = (await port.positions('SOLUSDT'))[0]!.liqPrice;
    expect(liqPrice).toBeGreaterThan(0);
    expect(await advanceUntil(clock, async () => (await port.positions()).length === 0)).toBe(true);
    const [exit] = await port.executions({ symbol: 'SOLUSDT', limit: 1 });
    expect(exit).toMatchObject({ execPrice: liqPrice, stopOrderType: 'Liquidation', closedSize: 10 });
  });

  it('emits order, execution, position and wallet events', async () => {
    const { sim } = makeSim();
    const seen: string[] = [];
    for (const event of ['order', 'execution', 'position', 'wallet'] as const) sim.engine.on(event, () => seen.push(event));
    await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.001, orderLinkId: 'ev' });
    expect(new Set(seen)).toEqual(new Set(['order', 'execution', 'position', 'wallet']));
  });

  it('returns copies that callers cannot use to change the engine', async () => {
    const { port } = makeSim().sim;
    await port.placeOrder({ symbol: 'SOLUSDT', side: 'Buy', orderType: 'Limit', price: 50, qty: 1, orderLinkId: 'c' });
    const [order] = await port.openOrders();
    (order as { status: string }).status = 'Filled';
    expect((await port.openOrders())[0]!.status).toBe('New');
  });

  it('is deterministic: the same calls give the same ids and fills', async () => {
    const run = async (): Promise<unknown> => {
      const { sim, clock } = makeSim();
      await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.001, orderLinkId: 'd' });
      await clock.advanceBy(90 * MINUTE);
      await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: 0.001, orderLinkId: 'e' });
      return sim.port.executions({});
    };
    expect(await run()).toEqual(await run());
  });
});
