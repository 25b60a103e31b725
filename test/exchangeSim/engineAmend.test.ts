import { describe, expect, it } from 'vitest';
import { InvalidRequestError, OrderNotFoundError } from '../../src/domain/errors.ts';
import { startFixture } from './fixture.ts';

describe('sim engine additions: amendOrder and orderHistory', () => {
  it('amends price and qty of a resting limit, fills a crossing amend, rejects closed orders', async () => {
    const { sim, server } = await startFixture();
    try {
      const { engine, market } = sim;
      const last = market.lastPrice('BTCUSDT');
      const price = Math.round(last * 0.9 * 10) / 10;
      const ack = engine.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: 0.002, price, orderLinkId: 'am-1' });
      const events: string[] = [];
      engine.on('order', (o) => events.push(`${o.status}:${o.price}:${o.qty}`));
      engine.amendOrder({ symbol: 'BTCUSDT', orderLinkId: 'am-1', qty: 0.004 });
      expect(engine.findOrder({ symbol: 'BTCUSDT', orderId: ack.orderId })).toMatchObject({ qty: 0.004, price, status: 'New' });
      expect(() => engine.amendOrder({ symbol: 'BTCUSDT', orderLinkId: 'am-1', price: price + 0.05 })).toThrow(InvalidRequestError);
      // A price above the ask makes it marketable: it fills at once.
      const crossing = Math.round(last * 1.01 * 10) / 10;
      engine.amendOrder({ symbol: 'BTCUSDT', orderId: ack.orderId, price: crossing });
      expect(engine.findOrder({ symbol: 'BTCUSDT', orderId: ack.orderId })?.status).toBe('Filled');
      expect(events).toEqual([`New:${price}:0.004`, `New:${crossing}:0.004`, `Filled:${crossing}:0.004`]);
      expect(() => engine.amendOrder({ symbol: 'BTCUSDT', orderId: ack.orderId, price })).toThrow(OrderNotFoundError);
      expect(engine.orderHistory('BTCUSDT').map((o) => o.orderLinkId)).toEqual(['am-1']);
    } finally {
      await server.close();
    }
  });
});
