import { afterEach, describe, expect, it } from 'vitest';
import { OrderNotFoundError } from '../../src/domain/errors.ts';
import { wsStreamUrls } from '../../src/exchange/bybit/venues.ts';
import { adapterFor, startSimServer, type AdapterFixture, type SimServerFixture } from './support/simServer.ts';

/**
 * `exchange.orderTransport: ws`: the adapter sends order create/amend/cancel over the
 * simulator's WS trade API (/v5/trade) with the real bybit-api client, with the same
 * answers and errors as over REST, and falls back to REST when the trade socket cannot be
 * used.
 */
let fixture: SimServerFixture | undefined;
let adapter: AdapterFixture | undefined;

afterEach(async () => {
  await adapter?.bybit.close();
  await fixture?.server.close();
  adapter = undefined;
  fixture = undefined;
});

async function serverStats(f: SimServerFixture): Promise<{ wsTradeOps: number; requests: number }> {
  return (await (await fetch(`${f.server.url}/__sim/state`)).json()) as { wsTradeOps: number; requests: number };
}

describe('order transport over the WS trade API', () => {
  it('places, amends and cancels over /v5/trade, with REST for everything else and the same error mapping', async () => {
    fixture = await startSimServer();
    adapter = adapterFor(fixture, { orderTransport: 'ws', wsTradeUrl: wsStreamUrls(fixture.server.wsUrl).tradeUrl });
    await adapter.bybit.start();
    const { port } = adapter.bybit;
    const before = await serverStats(fixture);
    const ack = await port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'ws-entry-1' });
    expect(ack.orderLinkId).toBe('ws-entry-1');
    expect(ack.orderId).toMatch(/^[0-9a-f-]{36}$/);
    const last = (await port.ticker('BTCUSDT')).lastPrice;
    const price = Math.round(last * 0.9);
    await port.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', price, qty: 0.01, orderLinkId: 'ws-limit-1' });
    await port.amendOrder({ symbol: 'BTCUSDT', orderLinkId: 'ws-limit-1', qty: 0.02 });
    expect(await port.findOrder({ symbol: 'BTCUSDT', orderLinkId: 'ws-limit-1' })).toMatchObject({ status: 'New', qty: 0.02 });
    await port.cancelOrder({ symbol: 'BTCUSDT', orderLinkId: 'ws-limit-1' });
    await expect(port.cancelOrder({ symbol: 'BTCUSDT', orderLinkId: 'ws-limit-1' })).rejects.toBeInstanceOf(OrderNotFoundError);
    const after = await serverStats(fixture);
    expect(after.wsTradeOps - before.wsTradeOps).toBe(5);
    const positions = await port.positions('BTCUSDT');
    expect(positions[0]).toMatchObject({ side: 'Buy', size: 0.01 });
    expect(adapter.lines.some((l) => l['event'] === 'ws_order_fallback')).toBe(false);
  }, 30_000);

  it('falls back to REST when the trade socket cannot be reached', async () => {
    fixture = await startSimServer();
    // Nothing listens on port 9 of loopback: the trade socket never opens.
    adapter = adapterFor(fixture, { orderTransport: 'ws', wsTradeUrl: 'ws://127.0.0.1:9/v5/trade', requestTimeoutMs: 1_000 });
    await adapter.bybit.start();
    const before = await serverStats(fixture);
    const ack = await adapter.bybit.port.placeOrder({ symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: 0.1, orderLinkId: 'rest-fallback-1' });
    expect(ack.orderLinkId).toBe('rest-fallback-1');
    expect((await serverStats(fixture)).wsTradeOps).toBe(before.wsTradeOps);
    expect(adapter.lines.some((l) => l['event'] === 'ws_order_fallback')).toBe(true);
    // During the fallback period the next orders go straight over REST.
    await adapter.bybit.port.placeOrder({ symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: 0.1, orderLinkId: 'rest-fallback-2', reduceOnly: true });
    expect(adapter.lines.filter((l) => l['event'] === 'ws_order_fallback')).toHaveLength(1);
  }, 30_000);
});
