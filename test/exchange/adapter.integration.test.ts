import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, InsufficientBalanceError, OrderNotFoundError, OrderRejectedError } from '../../src/domain/errors.ts';
import { intervalMs, OPEN_ORDER_STATUSES } from '../../src/domain/types.ts';
import { adapterFor, startSimServer, type AdapterFixture, type SimServerFixture } from './support/simServer.ts';

/**
 * The real bybit-api client, through our adapter, against the wire-protocol simulator:
 * every endpoint the adapter uses. A signature, envelope or type mismatch fails here
 * (zod parses every response; the simulator verifies every signature).
 */
let f: SimServerFixture;
let a: AdapterFixture;

beforeAll(async () => {
  f = await startSimServer();
  a = adapterFor(f);
  await a.bybit.start();
});

afterAll(async () => {
  await a?.bybit.close();
  await f?.server.close();
});

describe('Bybit adapter against the simulator server (REST)', () => {
  it('server time and a clock offset for signatures', async () => {
    const t = await a.bybit.rest.serverTime();
    expect(Math.abs(t - Date.now())).toBeLessThan(5_000);
    expect(Math.abs(a.bybit.clockSync.offsetMs())).toBeLessThan(1_000);
    expect(a.bybit.clockSync.lastMeasuredAt()).not.toBeNull();
  });

  it('instrument with lot and price filters', async () => {
    const i = await a.bybit.rest.instrument('BTCUSDT');
    expect(i).toMatchObject({ symbol: 'BTCUSDT', status: 'Trading', quoteCoin: 'USDT' });
    for (const k of ['tickSize', 'qtyStep', 'minOrderQty', 'maxOrderQty', 'maxMktOrderQty', 'maxLeverage'] as const) expect(i[k]).toBeGreaterThan(0);
  });

  it('klines oldest first, the newest one possibly forming', async () => {
    const candles = await a.bybit.rest.candles({ symbol: 'BTCUSDT', interval: '5', limit: 50 });
    expect(candles).toHaveLength(50);
    for (let i = 1; i < candles.length; i++) expect(candles[i]!.start - candles[i - 1]!.start).toBe(intervalMs('5'));
    expect(candles.at(-1)!.start).toBeLessThanOrEqual(f.clock.now());
    expect(candles.at(-1)!.start + intervalMs('5')).toBeGreaterThan(f.clock.now());
    // Same data as the in-process port, up to the wire's decimal formatting.
    const inproc = await f.sim.port.candles({ symbol: 'BTCUSDT', interval: '5', limit: 50 });
    expect(candles.map((c) => c.start)).toEqual(inproc.map((c) => c.start));
    candles.forEach((c, i) => {
      for (const k of ['open', 'high', 'low', 'close', 'volume', 'turnover'] as const) expect(c[k]).toBeCloseTo(inproc[i]![k], 6);
    });
  });

  it('ticker', async () => {
    const t = await a.bybit.rest.ticker('ETHUSDT');
    expect(t.symbol).toBe('ETHUSDT');
    expect(t.lastPrice).toBeGreaterThan(0);
    expect(t.ask1Price).toBeGreaterThanOrEqual(t.bid1Price);
  });

  it('wallet balance', async () => {
    const b = await a.bybit.rest.balance();
    expect(b).toMatchObject({ coin: 'USDT', walletBalance: 10_000, equity: 10_000 });
    expect(b.availableBalance).toBeGreaterThan(0);
  });

  it('leverage: set, and "not modified" (110043) is success', async () => {
    await a.bybit.rest.setLeverage('SOLUSDT', 3);
    await a.bybit.rest.setLeverage('SOLUSDT', 3);
    const [row] = await a.bybit.rest.positions('SOLUSDT');
    expect(row).toMatchObject({ symbol: 'SOLUSDT', side: 'None', size: 0, leverage: 3 });
  });

  it('market order -> position, executions, findOrder (realtime then history), trading stop', async () => {
    const ack = await a.bybit.rest.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'it-mkt-1' });
    expect(ack.orderLinkId).toBe('it-mkt-1');
    expect(ack.orderId).not.toBe('');
    await f.clock.advanceBy(1_000);

    const order = await a.bybit.rest.findOrder({ symbol: 'BTCUSDT', orderLinkId: 'it-mkt-1' });
    expect(order).toMatchObject({ orderId: ack.orderId, status: 'Filled', side: 'Buy', orderType: 'Market', cumExecQty: 0.01 });
    expect(await a.bybit.rest.findOrder({ symbol: 'BTCUSDT', orderId: ack.orderId })).toMatchObject({ orderLinkId: 'it-mkt-1' });

    const positions = await a.bybit.rest.positions();
    expect(positions.map((p) => p.symbol)).toContain('BTCUSDT');
    const btc = positions.find((p) => p.symbol === 'BTCUSDT')!;
    expect(btc).toMatchObject({ side: 'Buy', size: 0.01 });
    expect(btc.avgPrice).toBeGreaterThan(0);

    const fills = await a.bybit.rest.executions({ symbol: 'BTCUSDT', limit: 10 });
    expect(fills.some((e) => e.orderId === ack.orderId && e.execQty === 0.01 && e.stopOrderType === 'Trade')).toBe(true);

    const stop = Math.floor(btc.avgPrice * 0.9);
    await a.bybit.rest.setTradingStop({ symbol: 'BTCUSDT', stopLoss: stop });
    await a.bybit.rest.setTradingStop({ symbol: 'BTCUSDT', stopLoss: stop }); // 34040 "not modified" is success
    expect((await a.bybit.rest.positions('BTCUSDT'))[0]!.stopLoss).toBe(stop);
  });

  it('a reused orderLinkId resolves to the existing order instead of a second one', async () => {
    const first = await a.bybit.rest.placeOrder({ symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: 0.01, orderLinkId: 'it-dup-1', reduceOnly: true });
    const again = await a.bybit.rest.placeOrder({ symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: 0.01, orderLinkId: 'it-dup-1', reduceOnly: true });
    expect(again).toEqual(first);
  });

  it('limit orders: open orders, cancel, cancel-all; unknown order -> OrderNotFoundError', async () => {
    const t = await a.bybit.rest.ticker('ETHUSDT');
    const inst = await a.bybit.rest.instrument('ETHUSDT');
    const price = Math.round((t.lastPrice * 0.8) / inst.tickSize) * inst.tickSize;
    const one = await a.bybit.rest.placeOrder({ symbol: 'ETHUSDT', side: 'Buy', orderType: 'Limit', qty: 0.1, price, timeInForce: 'GTC', orderLinkId: 'it-lim-1' });
    await a.bybit.rest.placeOrder({ symbol: 'ETHUSDT', side: 'Buy', orderType: 'Limit', qty: 0.1, price, timeInForce: 'GTC', orderLinkId: 'it-lim-2' });
    await a.bybit.rest.placeOrder({ symbol: 'ETHUSDT', side: 'Buy', orderType: 'Limit', qty: 0.1, price, timeInForce: 'GTC', orderLinkId: 'it-lim-3' });

    const open = await a.bybit.rest.openOrders('ETHUSDT');
    expect(open.map((o) => o.orderLinkId).sort()).toEqual(['it-lim-1', 'it-lim-2', 'it-lim-3']);
    for (const o of open) {
      expect(OPEN_ORDER_STATUSES).toContain(o.status);
      expect(o.price).toBeCloseTo(price, 6);
    }
    expect((await a.bybit.rest.openOrders()).length).toBeGreaterThanOrEqual(3);

    const cancelled = await a.bybit.rest.cancelOrder({ symbol: 'ETHUSDT', orderId: one.orderId });
    expect(cancelled.orderId).toBe(one.orderId);
    expect((await a.bybit.rest.findOrder({ symbol: 'ETHUSDT', orderLinkId: 'it-lim-1' }))?.status).toBe('Cancelled');

    const all = await a.bybit.rest.cancelAllOrders('ETHUSDT');
    expect(all.map((x) => x.orderLinkId).sort()).toEqual(['it-lim-2', 'it-lim-3']);
    expect(await a.bybit.rest.openOrders('ETHUSDT')).toEqual([]);
    expect(await a.bybit.rest.cancelAllOrders()).toEqual([]);

    await expect(a.bybit.rest.cancelOrder({ symbol: 'ETHUSDT', orderLinkId: 'never-placed' })).rejects.toBeInstanceOf(OrderNotFoundError);
    expect(await a.bybit.rest.findOrder({ symbol: 'ETHUSDT', orderLinkId: 'never-placed' })).toBeNull();
  });

  it('exchange rejections arrive typed with their escalation level', async () => {
    const tooSmall = a.bybit.rest.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.0000001, orderLinkId: 'it-rej-1' });
    await expect(tooSmall).rejects.toBeInstanceOf(OrderRejectedError);
    const huge = a.bybit.rest.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', price: 1_000, qty: 400, orderLinkId: 'it-rej-2' });
    await expect(huge).rejects.toSatisfy((e: unknown) => e instanceof InsufficientBalanceError && e.level === 'symbol');
  });

  it('a wrong key is an AuthError at system level, with a critical channel alert', async () => {
    const bad = adapterFor(f, { credentials: { apiKey: 'unknown-key', apiSecret: 'x' } });
    try {
      const error = await bad.bybit.rest.balance().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).level).toBe('system');
      expect((error as AuthError).details).toMatchObject({ retCode: 10003 });
      expect(bad.lines.find((l) => l.event === 'channel_alert')).toMatchObject({ priority: 'critical', channel: 'rest', reason: 'auth' });
    } finally {
      await bad.bybit.close();
    }
  });
});
