import { RestClientV5, WebsocketClient } from 'bybit-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { KEY, MINUTE, SECRET, startFixture, type ServerFixture } from './fixture.ts';
import { hmac, until } from './helpers.ts';

const quiet = { trace: () => {}, info: () => {}, error: () => {} };

interface Update {
  topic: string;
  wsKey: string;
  type?: string;
  data: unknown;
}

/** A raw ws client that records every frame (to see exact Bybit shapes). */
async function rawSocket(url: string): Promise<{ ws: WebSocket; frames: Array<Record<string, unknown>>; raw: string[] }> {
  const ws = new WebSocket(url);
  const frames: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  ws.on('message', (data) => {
    raw.push(data.toString());
    frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, frames, raw };
}

describe('exchange-sim WebSocket with the real bybit-api WebsocketClient', () => {
  let f: ServerFixture;
  let ws: WebsocketClient;
  const updates: Update[] = [];
  const responses: Array<Record<string, unknown>> = [];
  const reconnected: string[] = [];

  beforeAll(async () => {
    f = await startFixture();
    // One wsUrl for every stream (bybit-api uses it for each wsKey): the server accepts any path.
    ws = new WebsocketClient({ key: KEY, secret: SECRET, market: 'v5', wsUrl: f.server.wsUrl, pingInterval: 60_000, pongTimeout: 1000, reconnectTimeout: 100 }, quiet);
    ws.on('update', (u: Update) => updates.push(u));
    ws.on('response', (r: Record<string, unknown>) => responses.push(r));
    ws.on('reconnected', (e: { wsKey: string }) => reconnected.push(e.wsKey));
  });
  afterAll(async () => {
    ws.closeAll(true);
    await f.server.close();
  });

  it('streams public kline (confirm on close) and tickers on the sim clock', async () => {
    ws.subscribeV5(['kline.1.BTCUSDT', 'tickers.BTCUSDT'], 'linear');
    await until(() => updates.some((u) => u.topic === 'kline.1.BTCUSDT') && updates.some((u) => u.topic === 'tickers.BTCUSDT'));
    const ticker = updates.find((u) => u.topic === 'tickers.BTCUSDT')!;
    expect(ticker.type).toBe('snapshot');
    expect((ticker.data as Record<string, string>)['lastPrice']).toBe(String(f.sim.market.lastPrice('BTCUSDT')));

    const start = Math.floor(f.clock.now() / MINUTE) * MINUTE;
    await f.clock.advanceTo(start + MINUTE);
    await until(() => updates.some((u) => u.topic === 'kline.1.BTCUSDT' && (u.data as Array<{ confirm: boolean }>)[0]!.confirm));
    const confirmed = updates.filter((u) => u.topic === 'kline.1.BTCUSDT' && (u.data as Array<{ confirm: boolean }>)[0]!.confirm);
    const candle = (confirmed[0]!.data as Array<Record<string, unknown>>)[0]!;
    const expected = f.sim.market.candles({ symbol: 'BTCUSDT', interval: '1', start, end: start, limit: 1 })[0]!;
    expect(candle).toMatchObject({ start, end: start + MINUTE - 1, interval: '1', close: String(expected.close), confirm: true });
    expect(typeof candle['volume']).toBe('string');
    await until(() => updates.some((u) => u.topic === 'tickers.BTCUSDT' && u.type === 'delta'));
  });

  it('authenticates and pushes order, execution, position and wallet after a REST order', async () => {
    ws.subscribeV5(['order', 'execution', 'position', 'wallet'], 'linear', true);
    await until(() => responses.some((r) => r['op'] === 'subscribe' && String(r['req_id']).includes('order')));
    const rest = new RestClientV5({ key: KEY, secret: SECRET, baseUrl: f.server.url });
    const ack = await rest.submitOrder({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.005', orderLinkId: 'ws-1' });
    expect(ack.retCode).toBe(0);
    await until(() => ['order', 'execution', 'position', 'wallet'].every((t) => updates.some((u) => u.topic === t)));
    const orders = updates.filter((u) => u.topic === 'order').flatMap((u) => u.data as Array<Record<string, unknown>>);
    expect(orders.map((o) => o['orderStatus'])).toEqual(['New', 'Filled']);
    expect(orders[1]).toMatchObject({ category: 'linear', orderLinkId: 'ws-1', orderId: ack.result.orderId, cumExecQty: '0.005' });
    const exec = (updates.find((u) => u.topic === 'execution')!.data as Array<Record<string, unknown>>)[0]!;
    expect(exec).toMatchObject({ orderLinkId: 'ws-1', execQty: '0.005', category: 'linear' });
    const position = (updates.find((u) => u.topic === 'position')!.data as Array<Record<string, unknown>>)[0]!;
    expect(position).toMatchObject({ symbol: 'BTCUSDT', side: 'Buy', size: '0.005', entryPrice: exec['execPrice'] });
    expect(position['avgPrice']).toBeUndefined();
    const wallet = (updates.find((u) => u.topic === 'wallet')!.data as Array<Record<string, unknown>>)[0]!;
    expect(wallet['accountType']).toBe('UNIFIED');
  });

  it('reconnects (reconnected event) after a WS-disconnect fault and resubscribes', async () => {
    const before = updates.length;
    f.server.faults.set({ disconnectWebSockets: true });
    await until(() => reconnected.length >= 2, 8000);
    expect(new Set(reconnected)).toEqual(new Set(['v5LinearPublic', 'v5Private']));
    // Resubscribed: a fresh snapshot arrives on the new public socket.
    await until(() => updates.slice(before).some((u) => u.topic === 'tickers.BTCUSDT'));
  });
});

describe('exchange-sim WebSocket frames', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(() => f.server.close());

  it('answers ping and subscribe in each stream style, compact JSON', async () => {
    const linear = await rawSocket(`${f.server.wsUrl}/v5/public/linear`);
    linear.ws.send(JSON.stringify({ op: 'ping' }));
    linear.ws.send(JSON.stringify({ op: 'subscribe', args: ['tickers.ETHUSDT'], req_id: 'r1' }));
    linear.ws.send(JSON.stringify({ op: 'subscribe', args: ['tickers.ETHUSDT'], req_id: 'r2' }));
    linear.ws.send(JSON.stringify({ op: 'subscribe', args: ['nonsense.X'], req_id: 'r3' }));
    linear.ws.send(JSON.stringify({ op: 'subscribe', args: ['order'], req_id: 'r4' }));
    await until(() => linear.frames.filter((m) => m['op'] === 'subscribe').length === 4);
    expect(linear.raw[0]).toContain('ret_msg":"pong');
    expect(linear.frames[0]).toMatchObject({ success: true, ret_msg: 'pong', op: 'ping' });
    const acks = linear.frames.filter((m) => m['op'] === 'subscribe');
    expect(acks.map((a) => [a['req_id'], a['success']])).toEqual([
      ['r1', true],
      ['r2', false],
      ['r3', false],
      ['r4', false],
    ]);
    expect(acks[1]!['ret_msg']).toBe('error:already subscribed,topic:tickers.ETHUSDT');
    expect(acks[2]!['ret_msg']).toContain('handler not found');
    linear.ws.close();

    const priv = await rawSocket(`${f.server.wsUrl}/v5/private`);
    priv.ws.send(JSON.stringify({ op: 'ping', req_id: 'p1' }));
    const expires = Date.now() + 5000;
    priv.ws.send(JSON.stringify({ op: 'auth', args: [KEY, expires, 'bad'], req_id: 'a0' }));
    priv.ws.send(JSON.stringify({ op: 'auth', args: [KEY, String(expires), hmac(SECRET, `GET/realtime${expires}`)], req_id: 'a1' }));
    await until(() => priv.frames.length === 3);
    expect(priv.raw[0]).toContain('op":"pong');
    expect(priv.frames[0]).toMatchObject({ req_id: 'p1', op: 'pong' });
    expect(priv.frames[1]).toMatchObject({ success: false, ret_msg: 'Params Error', op: 'auth', req_id: 'a0' });
    expect(priv.frames[2]).toMatchObject({ success: true, ret_msg: '', op: 'auth', req_id: 'a1' });
    priv.ws.close();

    const spot = await rawSocket(`${f.server.wsUrl}/v5/public/spot`);
    spot.ws.send(JSON.stringify({ op: 'subscribe', args: ['tickers.BTCUSDT'], req_id: 's1' }));
    await until(() => spot.frames.some((m) => m['op'] === 'subscribe'));
    expect(spot.frames.find((m) => m['op'] === 'subscribe')).toMatchObject({ success: true, ret_msg: 'subscribe' });
    spot.ws.close();
  });
});
