import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/rng.ts';
import { buildOrderLinkId } from '../../src/core/orders/orderLinkId.ts';
import { OrderRejectedError } from '../../src/domain/errors.ts';
import type { Balance, Position, PlaceOrderRequest } from '../../src/domain/types.ts';
import type { ExchangePort } from '../../src/ports/exchange.ts';
import { OrderManager } from '../../src/orders/orderManager.ts';
import type { OrderEventSink } from '../../src/orders/orderEvents.ts';
import { AccountView } from '../../src/runtime/market/accountView.ts';
import { TradingGate } from '../../src/runtime/tradingGate.ts';
import type { EntryOrder } from '../../machines/strategy.types.ts';
import { makeSim } from '../sim/simFixture.ts';

/**
 * The fast order path (issue 13): balance and position from the streamed account view,
 * margin reserved while entries of several symbols are in flight, a symbol's position
 * doubted after a send until a push confirms it, the pre-send stop check, and the
 * instrument forgotten after a filter rejection.
 */
interface Options {
  balance?: number;
  /** Which engine pushes reach the account view (default both). */
  pushes?: { wallet?: boolean; position?: boolean };
  lastPrice?: (symbol: string) => number | undefined;
  concurrent?: number;
  placeHook?: (request: PlaceOrderRequest) => Promise<void> | void;
}

async function setup(o: Options = {}) {
  const { clock, sim } = makeSim(o.balance ? { initialBalance: o.balance } : {});
  const calls: string[] = [];
  const creates: PlaceOrderRequest[] = [];
  const port: ExchangePort = Object.create(sim.port) as ExchangePort;
  port.balance = (opts) => {
    calls.push('balance');
    return sim.port.balance(opts);
  };
  port.positions = (symbol, opts) => {
    calls.push(`positions:${symbol ?? '*'}`);
    return sim.port.positions(symbol, opts);
  };
  port.placeOrder = async (request, opts) => {
    calls.push(`create:${request.symbol}`);
    creates.push(request);
    await o.placeHook?.(request);
    return sim.port.placeOrder(request, opts);
  };
  const view = new AccountView({ exchange: sim.port, clock, streamedMaxAgeMs: 60_000, polledMaxAgeMs: 0 });
  await view.refresh();
  view.setLive(true);
  if (o.pushes?.wallet !== false) sim.engine.on('wallet', (b) => view.applyBalance(b as Balance));
  if (o.pushes?.position !== false) sim.engine.on('position', (p) => view.applyPosition(p as Position));
  const events: string[] = [];
  const sink: OrderEventSink = {
    intent: () => undefined,
    submitted: () => undefined,
    outcome: (_o, r) => events.push(`outcome:${r.status}${r.note ? `:${r.note}` : ''}`),
    failed: (_o, code) => events.push(`failed:${code}`),
    notSent: () => events.push('notSent'),
    changed: () => undefined,
    protection: (_s, action) => events.push(`protection:${action}`),
  };
  const changed: string[] = [];
  const manager = new OrderManager({
    exchange: port,
    clock,
    gate: new TradingGate(),
    random: mulberry32(1),
    instrument: (symbol) => sim.port.instrument(symbol),
    maxLeverage: 5,
    events: sink,
    account: view,
    maxConcurrentSymbols: o.concurrent ?? 4,
    instrumentChanged: (symbol) => changed.push(symbol),
    ...(o.lastPrice ? { lastPrice: o.lastPrice } : {}),
  });
  return { clock, sim, calls, creates, manager, events, changed, view };
}

async function entry(h: Awaited<ReturnType<typeof setup>>, symbol: string, qty: number, preset = 'range-v1'): Promise<EntryOrder> {
  const price = (await h.sim.port.ticker(symbol)).lastPrice;
  const tick = (await h.sim.port.instrument(symbol)).tickSize;
  const onTick = (x: number) => Math.round(x / tick) * tick;
  const candleStart = Date.UTC(2026, 0, 2, 0, 0);
  return {
    actorId: `${symbol}:${preset}`,
    symbol,
    presetId: preset,
    strategyType: 'range',
    correlationId: `${symbol}:${preset}#test.1`,
    orderLinkId: buildOrderLinkId({ strategyId: preset, symbol, candleStart, side: 'Buy', purpose: 'entry' }),
    candleStart,
    entry: {
      allowed: true,
      side: 'Buy',
      qty,
      entryPrice: price,
      stopLoss: onTick(price * 0.99),
      takeProfit: onTick(price * 1.03),
      leverage: 2,
      notional: qty * price,
      riskAmount: qty * price * 0.01,
      rewardRisk: 3,
      cappedBy: [],
      reason: 'test',
    } as EntryOrder['entry'],
    signal: { score: 1, factors: { rangeQuality: 1, edgeProximity: 1, momentum: 1 }, mode: 'full' },
  };
}

describe('fast order path', () => {
  it('sends the create without reading balance or positions over REST when the streamed view is current', async () => {
    const h = await setup();
    const result = await h.manager.submit(await entry(h, 'BTCUSDT', 0.05));
    expect(result).toMatchObject({ status: 'Filled', filledQty: 0.05 });
    // The stop guarantee still reads the position from the exchange, after the create.
    expect(h.calls.slice(0, 2)).toEqual(['create:BTCUSDT', 'positions:BTCUSDT']);
    expect(h.calls).not.toContain('balance');
    expect(h.creates[0]).toMatchObject({ stopLoss: expect.any(Number), takeProfit: expect.any(Number) });
    expect((await h.sim.port.positions('BTCUSDT'))[0]?.stopLoss).toBeGreaterThan(0);
  });

  it('reads the position over REST after a send until a position push confirms it', async () => {
    const h = await setup({ pushes: { position: false } });
    await h.manager.submit(await entry(h, 'BTCUSDT', 0.05));
    h.calls.length = 0;
    const second = await h.manager.submit(await entry(h, 'BTCUSDT', 0.03, 'vwap-v1'));
    // Memory still says flat (no position push): the REST read finds the position and denies.
    expect(h.calls).toEqual(['balance', 'positions:BTCUSDT']);
    expect(second).toMatchObject({ status: 'Rejected', filledQty: 0 });
    expect(second.note).toMatch(/^not sent: a Buy position of 0.05 BTCUSDT was opened since the risk decision/);
    expect(h.creates).toHaveLength(1);
  });

  it('trusts memory again for a symbol once the pushes arrive', async () => {
    const h = await setup();
    await h.manager.submit(await entry(h, 'BTCUSDT', 0.05));
    h.calls.length = 0;
    const second = await h.manager.submit(await entry(h, 'BTCUSDT', 0.03, 'vwap-v1'));
    expect(h.calls).toEqual([]);
    expect(second.note).toMatch(/position of 0.05 BTCUSDT was opened/);
  });

  it('reserves the margin of an entry in flight: a concurrent entry on another symbol sees less available', async () => {
    let releaseBtc: () => void = () => undefined;
    const btcHeld = new Promise<void>((r) => {
      releaseBtc = r;
    });
    const h = await setup({ balance: 1_000, concurrent: 2, placeHook: (req) => (req.symbol === 'BTCUSDT' ? btcHeld : undefined) });
    const btc = await entry(h, 'BTCUSDT', 0.05);
    const eth = await entry(h, 'ETHUSDT', 1);
    const btcMargin = (0.05 * btc.entry.entryPrice) / 5;
    const pendingBtc = h.manager.submit(btc);
    await new Promise((r) => setImmediate(r));
    expect(h.creates.map((c) => c.symbol)).toEqual(['BTCUSDT']);
    // ETH is sent while BTC's create is still in flight, fitted to what BTC leaves.
    const ethResult = await h.manager.submit(eth);
    expect(h.creates.map((c) => c.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    const ethQty = h.creates[1]!.qty;
    expect(ethResult.note).toMatch(/size fitted to available margin/);
    expect(ethQty * eth.entry.entryPrice).toBeLessThanOrEqual((1_000 - btcMargin) * 5);
    releaseBtc();
    expect((await pendingBtc).status).toBe('Filled');
    const balance = await h.sim.port.balance();
    expect(balance.availableBalance).toBeGreaterThan(0);
  });

  it('does not send an entry whose stop-loss the last price already crossed', async () => {
    let price: number | undefined;
    const h = await setup({ lastPrice: () => price });
    const order = await entry(h, 'BTCUSDT', 0.05);
    price = order.entry.stopLoss - 1;
    const result = await h.manager.submit(order);
    expect(result).toMatchObject({ status: 'Rejected', filledQty: 0, orderId: '' });
    expect(result.note).toMatch(/^not sent: the last price .* already crossed the stop-loss/);
    expect(h.creates).toHaveLength(0);
    expect(h.events).toEqual([`outcome:Rejected:${result.note}`]);
    price = order.entry.entryPrice;
    expect((await h.manager.submit(order)).status).toBe('Filled');
  });

  it('forgets the instrument when the exchange refuses the order on its filters', async () => {
    const h = await setup({
      placeHook: (req) => {
        if (req.symbol === 'BTCUSDT') throw new OrderRejectedError('placeOrder: Bybit retCode 10001 qty 0.05 is not a multiple of qtyStep 0.01');
      },
    });
    await expect(h.manager.submit(await entry(h, 'BTCUSDT', 0.05))).rejects.toBeInstanceOf(OrderRejectedError);
    expect(h.changed).toEqual(['BTCUSDT']);
    // No fill: nothing to doubt, the next entry reads memory.
    h.calls.length = 0;
    await h.manager.submit(await entry(h, 'ETHUSDT', 0.5)).catch(() => undefined);
    expect(h.calls[0]).toBe('create:ETHUSDT');
  });
});
