import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/rng.ts';
import { buildOrderLinkId } from '../../src/core/orders/orderLinkId.ts';
import {
  ExchangeUnavailableError,
  OrderRejectedError,
  RateLimitError,
  TimeoutError,
  TradingHaltedError,
} from '../../src/domain/errors.ts';
import type { Order, PlaceOrderRequest } from '../../src/domain/types.ts';
import type { ExchangePort } from '../../src/ports/exchange.ts';
import { OrderManager } from '../../src/orders/orderManager.ts';
import type { OrderEventSink } from '../../src/orders/orderEvents.ts';
import { TradingGate } from '../../src/runtime/tradingGate.ts';
import type { EntryOrder } from '../../machines/strategy.types.ts';
import { makeSim } from '../sim/simFixture.ts';

/**
 * Contract tests of the order manager against the simulated exchange, with scripted
 * failures around `placeOrder`: what reaches the exchange, how many orders exist after,
 * what the caller is told, and that every position ends with a stop-loss.
 */
type Script = 'ok' | 'timeoutAfterAccept' | 'timeoutBeforeAccept' | 'http5xx' | 'rateLimited' | 'rejected';

function setup(script: Script[] = [], options: { partial?: boolean; stopFails?: number; balance?: number } = {}) {
  const { clock, sim } = makeSim(options.balance ? { initialBalance: options.balance } : {});
  const creates: PlaceOrderRequest[] = [];
  let stopFailures = options.stopFails ?? 0;
  const port: ExchangePort = Object.create(sim.port) as ExchangePort;
  port.placeOrder = async (request, callOptions) => {
    creates.push(request);
    const step = script.shift() ?? 'ok';
    if (step === 'timeoutBeforeAccept') throw new TimeoutError('request timed out after 10000 ms');
    if (step === 'http5xx') throw new ExchangeUnavailableError('HTTP 502');
    if (step === 'rateLimited') throw new RateLimitError('retCode 10006', 2_000);
    if (step === 'rejected') throw new OrderRejectedError('retCode 110017: reduce-only rule not satisfied');
    const ack = await sim.port.placeOrder(request, callOptions);
    if (step === 'timeoutAfterAccept') throw new TimeoutError('request timed out after 10000 ms');
    return ack;
  };
  if (options.partial) {
    port.findOrder = async (lookup, callOptions) => {
      const found = await sim.port.findOrder(lookup, callOptions);
      return found ? ({ ...found, status: 'PartiallyFilled', cumExecQty: found.qty / 2 } as Order) : null;
    };
  }
  port.setTradingStop = async (request, callOptions) => {
    if (stopFailures > 0) {
      stopFailures--;
      throw new ExchangeUnavailableError('HTTP 503');
    }
    return sim.port.setTradingStop(request, callOptions);
  };
  const events: string[] = [];
  const sink: OrderEventSink = {
    intent: () => events.push('intent'),
    submitted: (_o, _r, attempt) => events.push(`submitted#${attempt}`),
    outcome: (_o, r) => events.push(`outcome:${r.status}${r.adopted ? ':adopted' : ''}`),
    failed: (_o, code) => events.push(`failed:${code}`),
    notSent: () => events.push('notSent'),
    changed: (link, change) => events.push(`${change}:${link}`),
    protection: (_s, action) => events.push(`protection:${action}`),
  };
  const gate = new TradingGate();
  const manager = new OrderManager({
    exchange: port,
    clock,
    gate,
    random: mulberry32(1),
    instrument: (symbol) => sim.port.instrument(symbol),
    maxLeverage: 5,
    events: sink,
  });
  return { clock, sim, creates, manager, events, gate };
}

async function entry(sim: ReturnType<typeof setup>['sim'], qty = 0.05, side: 'Buy' | 'Sell' = 'Buy'): Promise<EntryOrder> {
  const price = (await sim.port.ticker('BTCUSDT')).lastPrice;
  const stopLoss = Math.round(side === 'Buy' ? price * 0.99 : price * 1.01);
  const takeProfit = Math.round(side === 'Buy' ? price * 1.03 : price * 0.97);
  const candleStart = Date.UTC(2026, 0, 2, 0, 0);
  return {
    actorId: 'BTCUSDT:range-v1',
    symbol: 'BTCUSDT',
    presetId: 'range-v1',
    strategyType: 'range',
    correlationId: 'BTCUSDT:range-v1#test.1',
    orderLinkId: buildOrderLinkId({ strategyId: 'range-v1', symbol: 'BTCUSDT', candleStart, side, purpose: 'entry' }),
    candleStart,
    entry: {
      allowed: true,
      side,
      qty,
      entryPrice: price,
      stopLoss,
      takeProfit,
      leverage: 2,
      notional: qty * price,
      riskAmount: qty * Math.abs(price - stopLoss),
      rewardRisk: 3,
      cappedBy: [],
      reason: 'test',
    } as EntryOrder['entry'],
    signal: { score: 1, factors: { rangeQuality: 1, edgeProximity: 1, momentum: 1 }, mode: 'full' },
  };
}

async function ordersWithLinkId(sim: ReturnType<typeof setup>['sim'], orderLinkId: string): Promise<number> {
  const execs = await sim.port.executions({ symbol: 'BTCUSDT', limit: 100 });
  return new Set(execs.filter((e) => e.orderLinkId === orderLinkId).map((e) => e.orderId)).size;
}

describe('order manager contract', () => {
  it('happy path: one market order, filled, stop-loss on the position', async () => {
    const h = setup();
    const order = await entry(h.sim);
    const result = await h.manager.submit(order);
    expect(result).toMatchObject({ status: 'Filled', filledQty: 0.05, adopted: false });
    expect(h.creates).toHaveLength(1);
    expect(h.creates[0]).toMatchObject({ orderLinkId: order.orderLinkId, stopLoss: order.entry.stopLoss, takeProfit: order.entry.takeProfit });
    const [position] = await h.sim.port.positions('BTCUSDT');
    expect(position).toMatchObject({ side: 'Buy', size: 0.05, stopLoss: order.entry.stopLoss });
    expect(h.events).toEqual(['intent', 'submitted#0', 'outcome:Filled']);
  });

  it('timeout after the exchange accepted: found by orderLinkId, not sent again', async () => {
    const h = setup(['timeoutAfterAccept']);
    const order = await entry(h.sim);
    const result = await h.manager.submit(order);
    expect(result).toMatchObject({ status: 'Filled', adopted: true });
    expect(h.creates).toHaveLength(1);
    expect(await ordersWithLinkId(h.sim, order.orderLinkId)).toBe(1);
  });

  it('timeout before the exchange saw it: not found, retried once with the same orderLinkId', async () => {
    const h = setup(['timeoutBeforeAccept']);
    const order = await entry(h.sim);
    const pending = h.manager.submit(order);
    await h.clock.advanceBy(2_000); // the retry backoff runs on the injected clock
    const result = await pending;
    expect(result).toMatchObject({ status: 'Filled', adopted: false });
    expect(h.creates.map((c) => c.orderLinkId)).toEqual([order.orderLinkId, order.orderLinkId]);
    expect(await ordersWithLinkId(h.sim, order.orderLinkId)).toBe(1);
    expect(h.events).toEqual(['intent', 'submitted#0', 'submitted#1', 'outcome:Filled']);
  });

  it('5xx then success: retried, one order', async () => {
    const h = setup(['http5xx']);
    const order = await entry(h.sim);
    const pending = h.manager.submit(order);
    await h.clock.advanceBy(2_000);
    expect((await pending).status).toBe('Filled');
    expect(h.creates).toHaveLength(2);
    expect(await ordersWithLinkId(h.sim, order.orderLinkId)).toBe(1);
  });

  it('rate limited: waits at least the retry-after before retrying', async () => {
    const h = setup(['rateLimited']);
    const order = await entry(h.sim);
    const pending = h.manager.submit(order);
    await h.clock.advanceBy(1_999);
    expect(h.creates).toHaveLength(1);
    await h.clock.advanceBy(1);
    expect((await pending).status).toBe('Filled');
    expect(h.creates).toHaveLength(2);
  });

  it('gives up after 3 transient failures and reports the error', async () => {
    const h = setup(['http5xx', 'http5xx', 'http5xx']);
    const order = await entry(h.sim);
    const pending = h.manager.submit(order);
    const settled = pending.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    await h.clock.advanceBy(30_000);
    expect(await settled).toBe('HTTP 502');
    expect(h.creates).toHaveLength(3);
    expect(h.events.at(-1)).toBe('failed:EXCHANGE_UNAVAILABLE');
    expect(await h.sim.port.positions()).toEqual([]);
  });

  it('rejection: not retried, typed error', async () => {
    const h = setup(['rejected']);
    await expect(h.manager.submit(await entry(h.sim))).rejects.toBeInstanceOf(OrderRejectedError);
    expect(h.creates).toHaveLength(1);
    expect(h.events.at(-1)).toBe('failed:ORDER_REJECTED');
  });

  it('duplicate orderLinkId (a restart re-sends the same intent): adopted, no second order', async () => {
    const h = setup();
    const order = await entry(h.sim);
    await h.manager.submit(order);
    const again = await h.manager.submit(order);
    // Found on the exchange before sending: adopted, nothing sent twice.
    expect(again.adopted).toBe(true);
    expect(h.creates).toHaveLength(1);
    expect(await ordersWithLinkId(h.sim, order.orderLinkId)).toBe(1);
    expect((await h.sim.port.positions('BTCUSDT'))[0]?.size).toBe(0.05);

    // Position already closed: the create goes out and the exchange answers 110072 (duplicate).
    await h.sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: 0.05, reduceOnly: true, orderLinkId: 'manual-close' });
    const third = await h.manager.submit(order);
    expect(third.adopted).toBe(true);
    expect(h.creates).toHaveLength(2);
    expect(await ordersWithLinkId(h.sim, order.orderLinkId)).toBe(1);
    expect(await h.sim.port.positions()).toEqual([]);
  });

  it('partial fill: reports the filled quantity and still protects the position', async () => {
    const h = setup([], { partial: true });
    const result = await h.manager.submit(await entry(h.sim));
    expect(result).toMatchObject({ status: 'PartiallyFilled', filledQty: 0.025 });
    expect((await h.sim.port.positions('BTCUSDT'))[0]?.stopLoss).toBeGreaterThan(0);
  });

  it('a position without its stop gets one; if setting it keeps failing it is flattened', async () => {
    const h = setup([], { stopFails: 2 });
    const order = await entry(h.sim);
    await h.sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.02, orderLinkId: 'manual-1' });
    const repaired = h.manager.protect('BTCUSDT', order.entry.stopLoss, 'test');
    await h.clock.advanceBy(5_000);
    await repaired;
    expect((await h.sim.port.positions('BTCUSDT'))[0]?.stopLoss).toBe(order.entry.stopLoss);
    expect(h.events).toContain('protection:stop_set');

    const h2 = setup([], { stopFails: 1_000 });
    await h2.sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.02, orderLinkId: 'manual-2' });
    const flattened = h2.manager.protect('BTCUSDT', order.entry.stopLoss, 'test');
    await h2.clock.advanceBy(60_000);
    await flattened;
    expect(await h2.sim.port.positions()).toEqual([]);
    expect(h2.events).toContain('protection:flattened');
  });

  it('fits the size to the margin available now, or does not send it', async () => {
    const small = setup([], { balance: 600 });
    const big = await entry(small.sim, 0.1); // ~6,000 USDT notional on a 600 USDT wallet at 5x max
    const result = await small.manager.submit(big);
    expect(result.status).toBe('Filled');
    expect(result.filledQty).toBeLessThan(0.1);
    expect(result.note).toMatch(/fitted to available margin/);

    const tiny = setup([], { balance: 1 });
    const denied = await tiny.manager.submit(await entry(tiny.sim, 0.1));
    expect(denied).toMatchObject({ status: 'Rejected', filledQty: 0 });
    expect(denied.note).toMatch(/^not sent: /);
    expect(tiny.creates).toHaveLength(0);
  });

  it('HALTED: refuses new entries before they reach the queue', async () => {
    const h = setup();
    h.gate.set('HALTED', 'test');
    expect(() => h.manager.submit({} as EntryOrder)).toThrow(TradingHaltedError);
    expect(h.creates).toHaveLength(0);
  });

  it('serves protective work before queued entries', async () => {
    const h = setup();
    const order: string[] = [];
    const slow = h.manager.queue.enqueue('entry', 'e1', async () => void order.push('e1'));
    const e2 = h.manager.queue.enqueue('entry', 'e2', async () => void order.push('e2'));
    const p = h.manager.queue.enqueue('protect', 'p', async () => void order.push('p'));
    await Promise.all([slow, e2, p]);
    expect(order).toEqual(['e1', 'p', 'e2']);
  });
});

describe('stale order sweep', () => {
  it('cancels our resting limit orders older than the TTL and leaves foreign and fresh ones', async () => {
    const { clock, sim } = makeSim();
    const manager = new OrderManager({ exchange: sim.port, clock, gate: new TradingGate(), random: mulberry32(1), instrument: (s) => sim.port.instrument(s), maxLeverage: 5, staleOrderTtlMs: 60_000 });
    const price = (await sim.port.ticker('BTCUSDT')).lastPrice;
    const far = Math.round(price * 0.8);
    await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', price: far, qty: 0.01, orderLinkId: 'bb1-old' });
    await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', price: far, qty: 0.01, orderLinkId: 'foreign-1' });
    await clock.advanceBy(120_000);
    await sim.port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', price: far, qty: 0.01, orderLinkId: 'bb1-new' });
    expect(await manager.sweepStaleOrders()).toBe(1);
    expect((await sim.port.openOrders('BTCUSDT')).map((o) => o.orderLinkId).sort()).toEqual(['bb1-new', 'foreign-1']);
  });
});

describe('one position per symbol at send time', () => {
  it('does not send an entry when another actor opened a position on the symbol since the risk decision', async () => {
    const h = setup();
    const first = await entry(h.sim);
    const second = { ...(await entry(h.sim, 0.03, 'Sell')), orderLinkId: 'bb1-BTCUSDT-other-x-SE', actorId: 'BTCUSDT:vwap-v1', presetId: 'vwap-v1' };
    const [a, b] = await Promise.all([h.manager.submit(first), h.manager.submit(second)]);
    expect(a.status).toBe('Filled');
    expect(b).toMatchObject({ status: 'Rejected', filledQty: 0 });
    expect(b.note).toMatch(/position of 0.05 BTCUSDT was opened since the risk decision/);
    expect(h.creates).toHaveLength(1);
    expect((await h.sim.port.positions('BTCUSDT'))[0]).toMatchObject({ side: 'Buy', size: 0.05 });
  });
});
