import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../src/exchange/bybit/streams.ts';
import { adapterFor, startSimServer, until, type AdapterFixture, type SimServerFixture } from './support/simServer.ts';

/**
 * bybit-api's WebsocketClient (one public, one private connection) against the wire
 * simulator: kline with confirm, tickers, the four private topics, and a dropped
 * connection: the SDK reconnects and resubscribes, and we backfill the candles that
 * closed meanwhile from REST.
 */
let f: SimServerFixture;
let a: AdapterFixture;
const events: StreamEvent[] = [];
const of = <K extends StreamEvent['type']>(type: K) => events.filter((e): e is Extract<StreamEvent, { type: K }> => e.type === type);

beforeAll(async () => {
  f = await startSimServer();
  a = adapterFor(f);
  await a.bybit.start();
  for (const type of ['kline', 'ticker', 'order', 'execution', 'position', 'wallet', 'connection'] as const) a.bybit.streams.on(type, (e) => events.push(e));
  a.bybit.streams.subscribeKlines('BTCUSDT', '1');
  a.bybit.streams.subscribeTickers('BTCUSDT');
  a.bybit.streams.subscribePrivate();
  await until(() => of('connection').filter((e) => e.state === 'open').length >= 2);
});

afterAll(async () => {
  await a?.bybit.close();
  await f?.server.close();
});

/** Advances simulated time in small steps so pushes go out, with real time for the sockets. */
async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10_000) {
    await f.clock.advanceBy(10_000);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Bybit streams against the simulator server', () => {
  it('public: klines (forming and confirmed) and ticker updates', async () => {
    await advance(3 * 60_000);
    await until(() => of('kline').some((k) => k.confirm) && of('ticker').length > 0);
    const confirmed = of('kline').filter((k) => k.confirm);
    expect(confirmed[0]).toMatchObject({ symbol: 'BTCUSDT', interval: '1', backfilled: false });
    expect(confirmed[0]!.candle.close).toBeGreaterThan(0);
    expect(of('kline').some((k) => !k.confirm)).toBe(true);
    expect(of('ticker')[0]!.symbol).toBe('BTCUSDT');
  });

  it('private: order, execution, position and wallet after a market order', async () => {
    await a.bybit.rest.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'ws-mkt-1' });
    await advance(10_000);
    await until(() => of('order').length > 0 && of('execution').length > 0 && of('position').length > 0 && of('wallet').length > 0);
    expect(of('order').some((e) => e.order.orderLinkId === 'ws-mkt-1')).toBe(true);
    expect(of('execution').find((e) => e.execution.orderLinkId === 'ws-mkt-1')?.execution.execQty).toBe(0.01);
    expect(of('position').find((e) => e.position.symbol === 'BTCUSDT')?.position.size).toBe(0.01);
    expect(of('wallet').at(-1)!.balance.coin).toBe('USDT');
  });

  it('after a dropped connection: reconnect, resubscribe, and backfill the candles missed', async () => {
    const lastConfirmed = Math.max(...of('kline').filter((k) => k.confirm).map((k) => k.candle.start));
    const reconnects = async (stream: string): Promise<number> =>
      (await a.metrics.registry.getSingleMetric('bybot_ws_reconnects_total')!.get()).values.find((v) => v.labels.stream === stream)?.value ?? -1;
    expect(await reconnects('public')).toBe(0);
    expect(await reconnects('private')).toBe(0);
    f.server.faults.set({ disconnectWebSockets: true });
    // Candles close while we are disconnected.
    await advance(3 * 60_000);
    await until(() => of('connection').some((e) => e.state === 'reconnected' && e.stream === 'public'), 10_000);
    await until(() => of('kline').some((k) => k.backfilled), 5_000);
    const backfilled = of('kline').filter((k) => k.backfilled);
    expect(backfilled[0]!.candle.start).toBe(lastConfirmed + 60_000);
    expect(a.lines).toContainEqual(expect.objectContaining({ event: 'channel_alert', reason: 'ws_reconnecting', channel: 'ws-public' }));
    // bybot_ws_reconnects_total counts the completed reconnects of both sockets.
    await until(() => of('connection').some((e) => e.state === 'reconnected' && e.stream === 'private'), 10_000);
    expect(await reconnects('public')).toBe(1);
    expect(await reconnects('private')).toBe(1);
    // Live pushes resume after the resubscription.
    const before = of('kline').length;
    await advance(2 * 60_000);
    await until(() => of('kline').length > before);
  }, 20_000);
});
