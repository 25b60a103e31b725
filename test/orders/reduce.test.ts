import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/rng.ts';
import { buildOrderLinkId } from '../../src/core/orders/orderLinkId.ts';
import { resizeOrderLinkId } from '../../src/core/portfolio/resize.ts';
import type { ResizeOrder } from '../../src/core/portfolio/types.ts';
import { TimeoutError } from '../../src/domain/errors.ts';
import type { PlaceOrderRequest } from '../../src/domain/types.ts';
import type { ExchangePort } from '../../src/ports/exchange.ts';
import { OrderManager } from '../../src/orders/orderManager.ts';
import { NO_ORDER_EVENTS } from '../../src/orders/orderEvents.ts';
import { TradingGate } from '../../src/runtime/tradingGate.ts';
import { makeSim } from '../sim/simFixture.ts';

/**
 * OrderManager.reduce (portfolio.resizeOpen) against the simulated exchange: a reduce-only
 * market order of the excess, idempotent by its orderLinkId, the position-wide stop kept on
 * the remaining size, never opening or adding.
 */
const AT = Date.UTC(2026, 0, 2, 0, 0);

async function setup(script: ('ok' | 'timeoutAfterAccept')[] = []) {
  const { clock, sim } = makeSim();
  const creates: PlaceOrderRequest[] = [];
  const port: ExchangePort = Object.create(sim.port) as ExchangePort;
  port.placeOrder = async (request, options) => {
    creates.push(request);
    const ack = await sim.port.placeOrder(request, options);
    if (script.shift() === 'timeoutAfterAccept') throw new TimeoutError('request timed out after 10000 ms');
    return ack;
  };
  const protection: string[] = [];
  const manager = new OrderManager({
    exchange: port,
    clock,
    gate: new TradingGate(),
    random: mulberry32(1),
    instrument: (symbol) => sim.port.instrument(symbol),
    maxLeverage: 5,
    events: { ...NO_ORDER_EVENTS, protection: (_s, action, detail) => protection.push(`${action}: ${detail}`) },
  });
  // An open long of 0.1 BTC with its stop (opened directly on the venue).
  const price = (await sim.port.ticker('BTCUSDT')).lastPrice;
  const stopLoss = Math.round(price * 0.98);
  await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.1, stopLoss, orderLinkId: buildOrderLinkId({ strategyId: 'range-v1', symbol: 'BTCUSDT', candleStart: AT - 3_600_000, side: 'Buy', purpose: 'entry' }) });
  return { sim, creates, manager, protection, stopLoss };
}

function order(qty: number, side: 'Buy' | 'Sell' = 'Sell'): ResizeOrder {
  return { symbol: 'BTCUSDT', presetId: 'range-v1', side, qty, positionSize: 0.1, closesAll: false, budget: 100, used: 200, orderLinkId: resizeOrderLinkId('range-v1', 'BTCUSDT', AT, side) };
}

describe('order manager: a rebalance reduction', () => {
  it('reduces with one reduce-only market order; the remaining size keeps the position-wide stop', async () => {
    const h = await setup();
    expect(await h.manager.reduce(order(0.04), 'rebalance:test')).toBe('reduced');
    expect(h.creates).toEqual([{ symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: 0.04, reduceOnly: true, orderLinkId: order(0.04).orderLinkId }]);
    const [position] = await h.sim.port.positions('BTCUSDT');
    expect(position).toMatchObject({ side: 'Buy', size: 0.06, stopLoss: h.stopLoss });
    expect(h.protection[0]).toMatch(/^reduced: Buy 0.1 reduced by 0.04/);
  });

  it('is idempotent: an unknown outcome is looked up, a retry or restart with the same id places nothing more', async () => {
    const h = await setup(['timeoutAfterAccept']);
    expect(await h.manager.reduce(order(0.04), 'rebalance:test')).toBe('reduced');
    expect(h.creates).toHaveLength(1);
    // A restart re-sends the same reduction: the venue answers "duplicate", nothing is reduced twice.
    expect(await h.manager.reduce(order(0.04), 'rebalance:test')).toBe('reduced');
    expect(h.creates).toHaveLength(2);
    expect((await h.sim.port.positions('BTCUSDT'))[0]).toMatchObject({ size: 0.06 });
  });

  it('never opens or adds: a position gone or on the order\'s side is left alone; a larger reduction closes at most the position', async () => {
    const h = await setup();
    expect(await h.manager.reduce(order(0.04, 'Buy'), 'rebalance:test')).toBe('skipped');
    expect(h.creates).toHaveLength(0);
    expect(await h.manager.reduce({ ...order(0.5), orderLinkId: resizeOrderLinkId('range-v1', 'BTCUSDT', AT + 3_600_000, 'Sell') }, 'rebalance:test')).toBe('reduced');
    expect(h.creates[0]!.qty).toBe(0.1);
    expect((await h.sim.port.positions('BTCUSDT')).filter((p) => p.size > 0)).toEqual([]);
    expect(await h.manager.reduce({ ...order(0.04), orderLinkId: resizeOrderLinkId('range-v1', 'BTCUSDT', AT + 7_200_000, 'Sell') }, 'rebalance:test')).toBe('skipped');
    expect(h.creates).toHaveLength(1);
  });
});
