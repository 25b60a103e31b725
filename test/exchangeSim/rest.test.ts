import { RestClientV5 } from 'bybit-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY, MINUTE, SECRET, startFixture, type ServerFixture } from './fixture.ts';
import { numericLeaves, signedGet } from './helpers.ts';

/** Integer / numeric fields Bybit documents as JSON numbers inside `result`. */
const INTEGER_FIELDS = new Set(['positionIdx', 'autoAddMargin', 'adlRankIndicator', 'openTime', 'seq', 'riskId', 'smpGroup', 'triggerDirection', 'tradeMode', 'fundingInterval', 'unifiedMarginStatus', 'timeWindow']);

describe('exchange-sim REST with the real bybit-api RestClientV5', () => {
  let f: ServerFixture;
  let client: RestClientV5;

  beforeAll(async () => {
    f = await startFixture();
    client = new RestClientV5({ key: KEY, secret: SECRET, baseUrl: f.server.url, recv_window: 5000, parseAPIRateLimits: true });
  });
  afterAll(() => f.server.close());

  it('serves server time (wall clock) in the envelope and result', async () => {
    const before = Date.now();
    const res = await client.getServerTime();
    expect(res.retCode).toBe(0);
    expect(res.retMsg).toBe('OK');
    expect(res.retExtInfo).toEqual({});
    expect(typeof res.time).toBe('number');
    expect(res.time).toBeGreaterThanOrEqual(before);
    expect(res.result.timeSecond).toBe(String(Math.floor(res.time / 1000)));
  });

  it('serves klines newest first as string arrays in sim time, for linear and spot', async () => {
    const res = await client.getKline({ category: 'linear', symbol: 'BTCUSDT', interval: '5', limit: 3 });
    expect(res.retCode).toBe(0);
    const list = res.result.list;
    expect(list).toHaveLength(3);
    for (const row of list) {
      expect(row).toHaveLength(7);
      for (const cell of row) expect(typeof cell).toBe('string');
    }
    const starts = list.map((r) => Number(r[0]));
    expect(starts[0]! - starts[1]!).toBe(5 * MINUTE);
    // The newest is the forming candle containing the sim's now.
    expect(starts[0]).toBe(Math.floor(f.clock.now() / (5 * MINUTE)) * 5 * MINUTE);
    const expected = f.sim.market.candles({ symbol: 'BTCUSDT', interval: '5', limit: 3 }).reverse();
    expect(list.map((r) => Number(r[4]))).toEqual(expected.map((c) => c.close));
    const spot = await client.getKline({ category: 'spot', symbol: 'BTCUSDT', interval: '5', limit: 3 });
    expect(spot.result.list).toEqual(list);
  });

  it('serves tickers and instruments with string filters', async () => {
    const tickers = await client.getTickers({ category: 'linear', symbol: 'ETHUSDT' });
    const t = tickers.result.list[0]!;
    expect(t.symbol).toBe('ETHUSDT');
    expect(Number(t.lastPrice)).toBe(f.sim.market.lastPrice('ETHUSDT'));
    expect(Number(t.bid1Price)).toBeLessThan(Number(t.ask1Price));
    expect(numericLeaves(tickers.result, INTEGER_FIELDS)).toEqual([]);

    const info = await client.getInstrumentsInfo({ category: 'linear', symbol: 'BTCUSDT' });
    const i = info.result.list[0]! as unknown as Record<string, Record<string, string>>;
    expect(i['lotSizeFilter']).toMatchObject({ qtyStep: '0.001', minOrderQty: '0.001', minNotionalValue: '5' });
    expect(i['priceFilter']).toMatchObject({ tickSize: '0.1' });
    expect(i['leverageFilter']).toMatchObject({ minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' });
    const all = await client.getInstrumentsInfo({ category: 'linear' });
    expect(all.result.list.map((x) => x.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    const unknown = await client.getKline({ category: 'linear', symbol: 'btcusdt', interval: '1' });
    expect(unknown.retCode).toBe(10001);
  });

  it('trades: create, realtime, amend, cancel, cancel-all, history, executions, positions, wallet, stops, leverage', async () => {
    const last = f.sim.market.lastPrice('BTCUSDT');
    const lev = await client.setLeverage({ category: 'linear', symbol: 'BTCUSDT', buyLeverage: '5', sellLeverage: '5' });
    expect(lev).toMatchObject({ retCode: 0, result: {} });
    expect((await client.setLeverage({ category: 'linear', symbol: 'BTCUSDT', buyLeverage: '5', sellLeverage: '5' })).retCode).toBe(110043);
    expect((await client.setLeverage({ category: 'linear', symbol: 'BTCUSDT', buyLeverage: '500', sellLeverage: '500' })).retCode).toBe(10001);

    const market = await client.submitOrder({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.010', orderLinkId: 'rest-mkt-1' });
    expect(market.retCode).toBe(0);
    expect(market.result.orderLinkId).toBe('rest-mkt-1');
    expect(market.rateLimitApi).toMatchObject({ maxRequests: 10 });

    const filled = await client.getActiveOrders({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'rest-mkt-1' });
    expect(filled.result.list[0]).toMatchObject({ orderId: market.result.orderId, orderStatus: 'Filled', qty: '0.010', cumExecQty: '0.010', side: 'Buy' });
    expect(numericLeaves(filled.result, INTEGER_FIELDS)).toEqual([]);

    const limitPrice = (Math.round(last * 0.9 * 10) / 10).toFixed(1);
    const limit = await client.submitOrder({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.002', price: limitPrice, orderLinkId: 'rest-lim-1' });
    expect(limit.retCode).toBe(0);
    const open = await client.getActiveOrders({ category: 'linear', symbol: 'BTCUSDT' });
    expect(open.result.list.map((o) => o.orderLinkId)).toEqual(['rest-lim-1']);
    expect(open.result.list[0]).toMatchObject({ orderStatus: 'New', price: limitPrice, leavesQty: '0.002' });

    const newPrice = (Number(limitPrice) - 100).toFixed(1);
    const amended = await client.amendOrder({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'rest-lim-1', price: newPrice, qty: '0.003' });
    expect(amended.retCode).toBe(0);
    const afterAmend = await client.getActiveOrders({ category: 'linear', symbol: 'BTCUSDT', orderId: limit.result.orderId });
    expect(afterAmend.result.list[0]).toMatchObject({ price: newPrice, qty: '0.003' });

    const cancelled = await client.cancelOrder({ category: 'linear', symbol: 'BTCUSDT', orderId: limit.result.orderId });
    expect(cancelled.result).toEqual({ orderId: limit.result.orderId, orderLinkId: 'rest-lim-1' });
    expect((await client.cancelOrder({ category: 'linear', symbol: 'BTCUSDT', orderId: limit.result.orderId })).retCode).toBe(110001);
    expect((await client.amendOrder({ category: 'linear', symbol: 'BTCUSDT', orderId: limit.result.orderId, price: newPrice })).retCode).toBe(110001);

    await client.submitOrder({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.002', price: limitPrice, orderLinkId: 'rest-lim-2' });
    const all = await client.cancelAllOrders({ category: 'linear', symbol: 'BTCUSDT', orderFilter: 'Order' });
    expect(all.result).toMatchObject({ success: '1' });
    expect(all.result.list.map((o) => o.orderLinkId)).toEqual(['rest-lim-2']);

    const history = await client.getHistoricOrders({ category: 'linear', symbol: 'BTCUSDT' });
    expect(history.result.list.map((o) => o.orderLinkId)).toEqual(['rest-lim-2', 'rest-lim-1', 'rest-mkt-1']);
    expect(history.result.list.map((o) => o.orderStatus)).toEqual(['Cancelled', 'Cancelled', 'Filled']);
    const page = await client.getHistoricOrders({ category: 'linear', symbol: 'BTCUSDT', limit: 2 });
    expect(page.result.nextPageCursor).not.toBe('');
    const page2 = await client.getHistoricOrders({ category: 'linear', symbol: 'BTCUSDT', limit: 2, cursor: page.result.nextPageCursor });
    expect(page2.result.list.map((o) => o.orderLinkId)).toEqual(['rest-mkt-1']);
    expect(page2.result.nextPageCursor).toBe('');

    const execs = await client.getExecutionList({ category: 'linear', symbol: 'BTCUSDT' });
    expect(execs.result.list).toHaveLength(1);
    const fill = execs.result.list[0]!;
    expect(fill).toMatchObject({ orderLinkId: 'rest-mkt-1', execQty: '0.010', execType: 'Trade', isMaker: false, feeCurrency: 'USDT' });
    expect(Number(fill.execFee)).toBeCloseTo(Number(fill.execPrice) * 0.01 * 0.00055, 6);

    const positions = await client.getPositionInfo({ category: 'linear', symbol: 'BTCUSDT' });
    const p = positions.result.list[0]!;
    expect(p).toMatchObject({ symbol: 'BTCUSDT', side: 'Buy', size: '0.010', leverage: '5', positionIdx: 0, stopLoss: '0', takeProfit: '0' });
    expect(Number(p.avgPrice)).toBe(Number(fill.execPrice));
    expect(numericLeaves(positions.result, INTEGER_FIELDS)).toEqual([]);
    const bySettle = await client.getPositionInfo({ category: 'linear', settleCoin: 'USDT' });
    expect(bySettle.result.list.map((x) => x.symbol)).toEqual(['BTCUSDT']);
    expect((await client.getPositionInfo({ category: 'linear' })).retCode).toBe(10001);

    const sl = (Math.round(Number(p.avgPrice) * 0.95 * 10) / 10).toFixed(1);
    const tp = (Math.round(Number(p.avgPrice) * 1.05 * 10) / 10).toFixed(1);
    const stop = await client.setTradingStop({ category: 'linear', symbol: 'BTCUSDT', positionIdx: 0, tpslMode: 'Full', stopLoss: sl, takeProfit: tp });
    expect(stop).toMatchObject({ retCode: 0, result: {} });
    expect((await client.setTradingStop({ category: 'linear', symbol: 'BTCUSDT', positionIdx: 0, tpslMode: 'Full', stopLoss: sl })).retCode).toBe(34040);
    const withStops = await client.getPositionInfo({ category: 'linear', symbol: 'BTCUSDT' });
    expect(withStops.result.list[0]).toMatchObject({ stopLoss: sl, takeProfit: tp });
    const stopOrders = await client.getActiveOrders({ category: 'linear', symbol: 'BTCUSDT' });
    expect(stopOrders.result.list.map((o) => [o.stopOrderType, o.orderStatus, o.triggerPrice]).sort()).toEqual([
      ['StopLoss', 'Untriggered', sl],
      ['TakeProfit', 'Untriggered', tp],
    ]);
    expect((await client.setTradingStop({ category: 'linear', symbol: 'ETHUSDT', positionIdx: 0, tpslMode: 'Full', stopLoss: '100' })).retCode).toBe(10001);

    const wallet = await client.getWalletBalance({ accountType: 'UNIFIED', coin: 'USDT' });
    const account = wallet.result.list[0]!;
    const balance = f.sim.engine.balance();
    expect(account.accountType).toBe('UNIFIED');
    expect(Number(account.totalEquity)).toBeCloseTo(balance.equity, 6);
    expect(Number(account.coin[0]!.walletBalance)).toBeCloseTo(10_000 - Number(fill.execFee), 6);
    expect(numericLeaves(wallet.result, INTEGER_FIELDS)).toEqual([]);
    expect((await client.getWalletBalance({ accountType: 'CONTRACT' })).retCode).toBe(10001);
  });

  it('answers the stubs clients touch', async () => {
    expect((await client.getFeeRate({ category: 'linear', symbol: 'BTCUSDT' })).result.list[0]).toMatchObject({ takerFeeRate: '0.00055', makerFeeRate: '0.0002' });
    expect((await client.getAccountInfo()).result).toMatchObject({ unifiedMarginStatus: 5 });
    expect((await client.switchPositionMode({ category: 'linear', mode: 0, coin: 'USDT' })).retCode).toBe(110025);
    expect((await client.getQueryApiKey()).retCode).toBe(0);
  });

  it('rejects bad orders with Bybit retCodes', async () => {
    const place = (body: Record<string, string>) =>
      client.submitOrder({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001', ...body } as Parameters<RestClientV5['submitOrder']>[0]);
    const offStep = await place({ qty: '0.0015', orderLinkId: 'bad-step' });
    expect(offStep).toMatchObject({ retCode: 10001, retMsg: 'Qty invalid' });
    expect((await place({ qty: '0.0001', orderLinkId: 'bad-min' })).retCode).toBe(10001);
    const tick = await place({ orderType: 'Limit', qty: '0.01', price: '50000.05', orderLinkId: 'bad-tick' });
    expect(tick.retCode).toBe(10001);
    const notional = await place({ orderType: 'Limit', qty: '0.001', price: '1000.0', orderLinkId: 'bad-notional' });
    expect(notional).toMatchObject({ retCode: 110094, retMsg: 'Order does not meet minimum order value 5USDT' });
    const broke = await place({ qty: '100', orderLinkId: 'too-big-for-wallet' });
    expect(broke.retCode).toBe(110007);

    expect((await place({ orderLinkId: 'dup-1' })).retCode).toBe(0);
    const dup = await place({ orderLinkId: 'dup-1' });
    expect(dup).toMatchObject({ retCode: 110072, retMsg: 'OrderLinkedID is duplicate', result: {} });
    const state = (await (await fetch(`${f.server.url}/__sim/state`)).json()) as Record<string, unknown>;
    expect(state['duplicateOrderLinkIdRejected']).toBe(1);
    expect(state['positionsWithStops']).toBe(1);
  });

  it('checks signatures, keys and the recv window', async () => {
    const wrongSecret = new RestClientV5({ key: KEY, secret: 'not-the-secret', baseUrl: f.server.url });
    expect((await wrongSecret.getWalletBalance({ accountType: 'UNIFIED' })).retCode).toBe(10004);
    const unknownKey = new RestClientV5({ key: 'nobody', secret: SECRET, baseUrl: f.server.url });
    expect((await unknownKey.getWalletBalance({ accountType: 'UNIFIED' })).retCode).toBe(10003);

    const fresh = await signedGet(f.server.url, '/v5/account/wallet-balance', 'accountType=UNIFIED', { key: KEY, secret: SECRET, timestamp: Date.now() });
    expect(fresh.body['retCode']).toBe(0);
    const stale = await signedGet(f.server.url, '/v5/account/wallet-balance', 'accountType=UNIFIED', { key: KEY, secret: SECRET, timestamp: Date.now() - 6000 });
    expect(stale.status).toBe(200);
    expect(stale.body['retCode']).toBe(10002);
    expect(String(stale.body['retMsg'])).toContain('recv_window[5000]');
    const future = await signedGet(f.server.url, '/v5/account/wallet-balance', 'accountType=UNIFIED', { key: KEY, secret: SECRET, timestamp: Date.now() + 3000 });
    expect(future.body['retCode']).toBe(10002);
  });
});

describe('exchange-sim rate limits', () => {
  it('answers 10006 with X-Bapi-* headers past the per-endpoint limit', async () => {
    const f = await startFixture({ scenario: { limits: { endpoints: { '/v5/position/list': 3 } } } });
    try {
      const client = new RestClientV5({ key: KEY, secret: SECRET, baseUrl: f.server.url, parseAPIRateLimits: true });
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await client.getPositionInfo({ category: 'linear', symbol: 'BTCUSDT' }));
      expect(results.map((r) => r.retCode)).toEqual([0, 0, 0, 10006]);
      expect(results[3]!.retMsg).toBe('Too many visits!');
      expect(results[2]!.rateLimitApi).toMatchObject({ maxRequests: 3, remainingRequests: 0 });
      expect(results[3]!.rateLimitApi).toMatchObject({ maxRequests: 3, remainingRequests: 0 });
      expect(results[3]!.rateLimitApi!.resetAtTimestamp).toBeGreaterThan(Date.now() - 100);
      // Other endpoints have their own budget.
      expect((await client.getWalletBalance({ accountType: 'UNIFIED' })).retCode).toBe(0);
      const state = (await (await fetch(`${f.server.url}/__sim/state`)).json()) as { rateLimited: unknown };
      expect(state.rateLimited).toEqual({ retCode10006: 1, http403: 0 });
    } finally {
      await f.server.close();
    }
  });

  it('answers HTTP 403 past the IP limit, and the ban lifts', async () => {
    const f = await startFixture({ scenario: { limits: { ip: { max: 3, windowMs: 10_000, banMs: 300 } } } });
    try {
      const client = new RestClientV5({ key: KEY, secret: SECRET, baseUrl: f.server.url });
      for (let i = 0; i < 3; i++) expect((await client.getServerTime()).retCode).toBe(0);
      await expect(client.getServerTime()).rejects.toMatchObject({ code: 403 });
      const raw = await fetch(`${f.server.url}/v5/market/time`);
      expect(raw.status).toBe(403);
      await new Promise((r) => setTimeout(r, 350));
      expect((await client.getServerTime()).retCode).toBe(0);
      // /__sim/ is outside the limits: it can report them.
      const state = (await (await fetch(`${f.server.url}/__sim/state`)).json()) as { rateLimited: unknown };
      expect(state.rateLimited).toEqual({ retCode10006: 0, http403: 2 });
    } finally {
      await f.server.close();
    }
  });
});
