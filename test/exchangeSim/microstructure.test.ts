import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startExchangeSimServer, type ExchangeSimServer } from '../../src/exchangeSim/index.ts';
import { makeSim, type SimFixture } from '../sim/simFixture.ts';
import { DAY, KEY, MINUTE, ORIGIN, SECRET } from './fixture.ts';
import { hmac, until } from './helpers.ts';

/**
 * The simulator server's market microstructure and Bybit conformity over the wire: the
 * order book (REST depth, WS snapshot + deltas with u/seq), public trades, funding reported
 * as Bybit does, categories without instruments, unknown symbols, oversized and malformed
 * bodies, and the WS trade API's frames and refusals.
 */
const HOUR = 60 * MINUTE;
type Frame = Record<string, unknown>;

let f: SimFixture;
let server: ExchangeSimServer;

beforeAll(async () => {
  // 07:59:30 UTC on the second day: a funding settlement is half a minute away.
  f = makeSim({ start: ORIGIN + DAY + 8 * HOUR - 30_000 });
  server = await startExchangeSimServer({ sim: f.sim, clock: f.clock, accounts: [{ apiKey: KEY, apiSecret: SECRET }] });
});
afterAll(() => server.close());

async function get(path: string, query: Record<string, string | number> = {}): Promise<Frame> {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return (await (await fetch(`${server.url}${path}?${qs}`)).json()) as Frame;
}

async function post(path: string, body: unknown): Promise<{ status: number; body: Frame }> {
  const raw = JSON.stringify(body);
  const ts = String(Date.now());
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-BAPI-API-KEY': KEY, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': hmac(SECRET, ts + KEY + '5000' + raw) },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as Frame };
}

async function signedGet<T>(_url: string, path: string, query: Record<string, string>, key: string, secret: string): Promise<{ retCode: number; result: T }> {
  const qs = new URLSearchParams(query).toString();
  const ts = String(Date.now());
  const response = await fetch(`${server.url}${path}?${qs}`, { headers: { 'X-BAPI-API-KEY': key, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': hmac(secret, ts + key + '5000' + qs) } });
  return (await response.json()) as { retCode: number; result: T };
}

async function socket(path: string): Promise<{ ws: WebSocket; frames: Frame[] }> {
  const ws = new WebSocket(`${server.wsUrl}${path}`);
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
  await new Promise((resolve) => ws.once('open', resolve));
  return { ws, frames };
}

function auth(ws: WebSocket, secret = SECRET): void {
  const expires = Date.now() + 10_000;
  ws.send(JSON.stringify({ op: 'auth', args: [KEY, expires, hmac(secret, `GET/realtime${expires}`)] }));
}

describe('funding reported like Bybit', () => {
  it('lists the settlement as an execType Funding execution and pushes it with the wallet', async () => {
    const priv = await socket('/v5/private');
    auth(priv.ws);
    await until(() => priv.frames.some((m) => m['op'] === 'auth'));
    priv.ws.send(JSON.stringify({ op: 'subscribe', args: ['execution', 'wallet'] }));
    await until(() => priv.frames.some((m) => m['op'] === 'subscribe'));
    const created = await post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.1', orderLinkId: 'funded' });
    expect(created.body['retCode']).toBe(0);
    await f.clock.advanceBy(MINUTE);
    const settlement = ORIGIN + DAY + 8 * HOUR;
    await until(() => priv.frames.some((m) => m['topic'] === 'execution' && (m['data'] as Frame[])[0]!['execType'] === 'Funding'));
    const pushed = priv.frames.find((m) => m['topic'] === 'execution' && (m['data'] as Frame[])[0]!['execType'] === 'Funding')!['data'] as Frame[];
    const mark = f.sim.market.markAt('BTCUSDT', settlement);
    expect(pushed[0]).toMatchObject({ symbol: 'BTCUSDT', side: 'Buy', execQty: '0.1', orderType: 'UNKNOWN', orderId: '', feeRate: '0.0001', execTime: String(settlement) });
    expect(Number(pushed[0]!['execFee'])).toBeCloseTo(0.1 * mark * 0.0001, 8);
    const index = priv.frames.findIndex((m) => m['topic'] === 'execution' && (m['data'] as Frame[])[0]!['execType'] === 'Funding');
    expect(priv.frames.slice(index).some((m) => m['topic'] === 'wallet')).toBe(true);

    const listed = await signedGet<{ list: Frame[] }>(server.url, '/v5/execution/list', { category: 'linear', symbol: 'BTCUSDT' }, KEY, SECRET);
    expect(listed.result.list.map((e) => e['execType'])).toEqual(['Funding', 'Trade']);
    const onlyFunding = await signedGet<{ list: Frame[] }>(server.url, '/v5/execution/list', { category: 'linear', execType: 'Funding' }, KEY, SECRET);
    expect(onlyFunding.result.list).toHaveLength(1);
    const onlyTrades = await signedGet<{ list: Frame[] }>(server.url, '/v5/execution/list', { category: 'linear', execType: 'Trade' }, KEY, SECRET);
    expect(onlyTrades.result.list.map((e) => e['execType'])).toEqual(['Trade']);
    const ticker = ((await get('/v5/market/tickers', { category: 'linear', symbol: 'BTCUSDT' }))['result'] as { list: Frame[] }).list[0]!;
    expect(ticker).toMatchObject({ fundingRate: '0.0001', nextFundingTime: String(settlement + 8 * HOUR) });
    await post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '0.1', reduceOnly: true });
    priv.ws.close();
  });
});

describe('order book and public trades over the wire', () => {
  it('serves REST depth by limit (default 25) with u and seq', async () => {
    const book = (await get('/v5/market/orderbook', { category: 'linear', symbol: 'BTCUSDT' }))['result'] as { b: string[][]; a: string[][]; u: number; seq: number; ts: number };
    expect(book.b).toHaveLength(25);
    expect(book.a).toHaveLength(25);
    expect(Number(book.b[0]![0])).toBeLessThan(Number(book.a[0]![0]));
    expect(book.u).toBeGreaterThan(0);
    expect(book.seq).toBeGreaterThan(0);
    const deep = (await get('/v5/market/orderbook', { category: 'linear', symbol: 'BTCUSDT', limit: 500 }))['result'] as { b: string[][] };
    expect(deep.b).toHaveLength(500);
    const trades = (await get('/v5/market/recent-trade', { category: 'linear', symbol: 'ETHUSDT', limit: 10 }))['result'] as { list: Frame[] };
    expect(trades.list).toHaveLength(10);
    expect(trades.list[0]).toMatchObject({ symbol: 'ETHUSDT', isBlockTrade: false });
    expect(Number(trades.list[0]!['time'])).toBeGreaterThan(Number(trades.list[1]!['time']));
  });

  it('streams orderbook.50 as a snapshot then deltas that rebuild the same book a late subscriber gets, and publicTrade', async () => {
    const a = await socket('/v5/public/linear');
    a.ws.send(JSON.stringify({ op: 'subscribe', args: ['orderbook.50.BTCUSDT', 'publicTrade.BTCUSDT'], req_id: 'a' }));
    await until(() => a.frames.some((m) => m['type'] === 'snapshot' && m['topic'] === 'orderbook.50.BTCUSDT'));
    for (let i = 0; i < 6; i++) await f.clock.advanceBy(10_000);
    await until(() => a.frames.filter((m) => m['type'] === 'delta').length >= 3 && a.frames.some((m) => m['topic'] === 'publicTrade.BTCUSDT'));
    const book = a.frames.filter((m) => m['topic'] === 'orderbook.50.BTCUSDT');
    const ids = book.map((m) => (m['data'] as { u: number }).u);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => ids[0]! + i));
    const seqs = book.map((m) => (m['data'] as { seq: number }).seq);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    // Apply the deltas (size "0" deletes a level) to the snapshot.
    const bids = new Map<string, string>();
    const asks = new Map<string, string>();
    for (const m of book) {
      const data = m['data'] as { b: string[][]; a: string[][] };
      if (m['type'] === 'snapshot') {
        bids.clear();
        asks.clear();
      }
      for (const [p, q] of data.b) q === '0' ? bids.delete(p!) : bids.set(p!, q!);
      for (const [p, q] of data.a) q === '0' ? asks.delete(p!) : asks.set(p!, q!);
    }
    const b = await socket('/v5/public/linear');
    b.ws.send(JSON.stringify({ op: 'subscribe', args: ['orderbook.50.BTCUSDT'] }));
    await until(() => b.frames.some((m) => m['type'] === 'snapshot'));
    const late = b.frames.find((m) => m['type'] === 'snapshot')!['data'] as { b: string[][]; a: string[][]; u: number };
    expect(late.u).toBe(ids.at(-1));
    expect([...bids.entries()].sort()).toEqual(late.b.map(([p, q]) => [p, q]).sort());
    expect([...asks.entries()].sort()).toEqual(late.a.map(([p, q]) => [p, q]).sort());
    expect(late.b).toHaveLength(50);
    const trades = a.frames.filter((m) => m['topic'] === 'publicTrade.BTCUSDT').flatMap((m) => m['data'] as Frame[]);
    expect(trades.length).toBeGreaterThanOrEqual(10);
    expect(trades[0]).toMatchObject({ s: 'BTCUSDT', BT: false });
    expect(['Buy', 'Sell']).toContain(trades[0]!['S']);
    a.ws.close();
    b.ws.close();
  });
});

describe('Bybit conformity of refusals', () => {
  it('lists no inverse or option instruments and refuses symbols of those categories and unlisted ones with 10001', async () => {
    for (const category of ['inverse', 'option']) {
      expect((await get('/v5/market/instruments-info', { category }))['result']).toMatchObject({ category, list: [] });
      expect((await get('/v5/market/tickers', { category }))['result']).toMatchObject({ list: [] });
      const positions = await signedGet<{ list: unknown[] }>(server.url, '/v5/position/list', { category, settleCoin: 'USDT' }, KEY, SECRET);
      expect(positions.retCode).toBe(0);
      expect(positions.result.list).toEqual([]);
      const order = await post('/v5/order/create', { category, symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.01' });
      expect(order.body).toMatchObject({ retCode: 10001, retMsg: 'params error: symbol invalid' });
    }
    expect(await get('/v5/market/tickers', { category: 'linear', symbol: 'XRPUSDT' })).toMatchObject({ retCode: 10001, retMsg: 'params error: symbol invalid' });
    expect(await get('/v5/market/kline', { category: 'linear', symbol: 'DOGEUSDT', interval: '1' })).toMatchObject({ retCode: 10001 });
    expect(await get('/v5/market/tickers', { category: 'futures' })).toMatchObject({ retCode: 10001 });
  });

  it('answers an oversized body with 413 and a Bybit envelope, a malformed one with 10001, and keeps serving', async () => {
    const big = await fetch(`${server.url}/v5/order/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(10 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ retCode: 10001, result: {} });
    const bad = await post('/v5/order/create', 'not json');
    expect(bad.status).toBe(200);
    const raw = '{"category":';
    const ts = String(Date.now());
    const broken = await fetch(`${server.url}/v5/order/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-BAPI-API-KEY': KEY, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': hmac(SECRET, ts + KEY + '5000' + raw) },
      body: raw,
    });
    expect(await broken.json()).toMatchObject({ retCode: 10001, retMsg: 'params error: request body is not a JSON object' });
    expect((await get('/v5/market/time'))['retCode']).toBe(0);
  });
});

describe('WS trade API (/v5/trade)', () => {
  it('authenticates, places, amends and cancels with Bybit frames, refuses bad requests with their codes', async () => {
    const t = await socket('/v5/trade');
    const header = (): Frame => ({ 'X-BAPI-TIMESTAMP': String(Date.now()), 'X-BAPI-RECV-WINDOW': '5000' });
    t.ws.send(JSON.stringify({ reqId: 'early', op: 'order.create', header: header(), args: [{ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.01' }] }));
    await until(() => t.frames.some((m) => m['reqId'] === 'early'));
    expect(t.frames.find((m) => m['reqId'] === 'early')).toMatchObject({ retCode: 10003, op: 'order.create' });
    auth(t.ws, 'wrong-secret');
    await until(() => t.frames.some((m) => m['op'] === 'auth'));
    expect(t.frames.find((m) => m['op'] === 'auth')).toMatchObject({ retCode: 10004 });
    auth(t.ws);
    await until(() => t.frames.filter((m) => m['op'] === 'auth').length === 2);
    expect(t.frames.filter((m) => m['op'] === 'auth')[1]).toMatchObject({ retCode: 0, retMsg: 'OK' });
    auth(t.ws);
    await until(() => t.frames.filter((m) => m['op'] === 'auth').length === 3);
    expect(t.frames.filter((m) => m['op'] === 'auth')[2]).toMatchObject({ retCode: 20001 });

    const price = String(Math.round(f.sim.market.lastPrice('BTCUSDT') * 0.9));
    t.ws.send(JSON.stringify({ reqId: '1', op: 'order.create', header: header(), args: [{ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price, orderLinkId: 'ws-limit' }] }));
    await until(() => t.frames.some((m) => m['reqId'] === '1'));
    const created = t.frames.find((m) => m['reqId'] === '1')!;
    expect(created).toMatchObject({ retCode: 0, retMsg: 'OK', op: 'order.create', data: { orderLinkId: 'ws-limit' } });
    // The per-second order budget is the one REST orders draw from too.
    expect(created['header']).toMatchObject({ 'X-Bapi-Limit': '10' });
    expect(Number((created['header'] as Frame)['X-Bapi-Limit-Status'])).toBeLessThan(10);
    t.ws.send(JSON.stringify({ reqId: '2', op: 'order.amend', header: header(), args: [{ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'ws-limit', qty: '0.02' }] }));
    t.ws.send(JSON.stringify({ reqId: '2', op: 'order.cancel', header: header(), args: [{ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'ws-limit' }] }));
    t.ws.send(JSON.stringify({ reqId: '3', op: 'order.cancel', header: { 'X-BAPI-TIMESTAMP': String(Date.now() - 60_000), 'X-BAPI-RECV-WINDOW': '5000' }, args: [{ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'ws-limit' }] }));
    t.ws.send(JSON.stringify({ reqId: '4', op: 'order.cancel', header: header(), args: [{ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'ws-limit' }] }));
    t.ws.send(JSON.stringify({ reqId: '5', op: 'order.cancel', header: header(), args: [{ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'ws-limit' }] }));
    await until(() => t.frames.some((m) => m['reqId'] === '5'));
    const byReq = (id: string): Frame[] => t.frames.filter((m) => m['reqId'] === id);
    expect(byReq('2').map((m) => m['retCode'])).toEqual([0, 20006]);
    expect(byReq('3')[0]).toMatchObject({ retCode: 10002 });
    expect(byReq('4')[0]).toMatchObject({ retCode: 0, op: 'order.cancel' });
    expect(byReq('5')[0]).toMatchObject({ retCode: 110001 });
    expect((await f.sim.port.findOrder({ symbol: 'BTCUSDT', orderLinkId: 'ws-limit' }))).toMatchObject({ status: 'Cancelled', qty: 0.02 });
    t.ws.send(JSON.stringify({ op: 'ping' }));
    await until(() => t.frames.some((m) => m['op'] === 'pong'));
    expect(t.frames.find((m) => m['op'] === 'pong')).toMatchObject({ retCode: 0, retMsg: 'OK' });
    t.ws.close();
  });
});
