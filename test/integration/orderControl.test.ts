import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/** Operator amend / cancel of a resting order, through the order queue and the real Bybit adapter (wire). */
let h: AppHarness;
beforeAll(async () => {
  h = await startTestApp({ exchange: { transport: 'wire' }, simulator: { initialBalance: 1_000_000 } });
  await h.run(60_000, 5_000);
}, 60_000);
afterAll(async () => {
  await h?.app.stop();
});

describe('POST /orders/:orderLinkId/amend and /cancel', () => {
  it('amends price and qty of our resting limit order, then cancels it', async () => {
    const last = (await h.app.exchange.ticker('BTCUSDT')).lastPrice;
    const price = Math.round(last * 0.8);
    await h.app.exchange.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', price, qty: 0.01, orderLinkId: 'bb1-op-limit-1' });

    const amended = await h.post('/orders/bb1-op-limit-1/amend', { symbol: 'BTCUSDT', price: price - 100, qty: 0.02 });
    expect(amended).toMatchObject({ status: 200, body: { ok: true } });
    const open = (await h.app.exchange.openOrders('BTCUSDT')).find((o) => o.orderLinkId === 'bb1-op-limit-1');
    expect(open).toMatchObject({ price: price - 100, qty: 0.02, status: 'New' });

    expect(await h.post('/orders/bb1-op-limit-1/cancel', { symbol: 'BTCUSDT' })).toMatchObject({ status: 200 });
    expect((await h.app.exchange.openOrders('BTCUSDT')).some((o) => o.orderLinkId === 'bb1-op-limit-1')).toBe(false);
    expect(h.logs.filter((l) => l.event === 'order_changed').map((l) => l.change)).toEqual(['amended', 'cancelled']);
  });

  it('refuses foreign orders, unknown orders and bad bodies with clear errors', async () => {
    const foreign = await h.post('/orders/manual-1/cancel', { symbol: 'BTCUSDT' });
    expect(foreign.status).toBe(400);
    expect(JSON.stringify(foreign.body)).toContain('is not ours');
    expect((await h.post('/orders/bb1-nope/cancel', { symbol: 'BTCUSDT' })).status).toBe(404);
    const bad = await h.post('/orders/bb1-x/amend', { symbol: 'BTCUSDT' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('give price and/or qty');
    expect((await h.post('/orders/bad id!/cancel', { symbol: 'BTCUSDT' })).status).toBe(400);
  });
});
