import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { parseLimitHeaders, RateLimiter, type LimitGroup } from '../../src/exchange/bybit/rateLimiter.ts';

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('rate limiter', () => {
  it('parses X-Bapi-Limit-* headers (any case) and ignores incomplete ones', () => {
    expect(parseLimitHeaders({ 'x-bapi-limit': '10', 'x-bapi-limit-status': '9', 'x-bapi-limit-reset-timestamp': '1700000000123' })).toEqual({
      limit: 10,
      remaining: 9,
      resetAt: 1_700_000_000_123,
    });
    expect(parseLimitHeaders({ 'X-Bapi-Limit': '10', 'X-Bapi-Limit-Status': '0', 'X-Bapi-Limit-Reset-Timestamp': '5' })).toEqual({ limit: 10, remaining: 0, resetAt: 5 });
    expect(parseLimitHeaders({ 'x-bapi-limit': '10' })).toBeUndefined();
    expect(parseLimitHeaders({ 'x-bapi-limit': 'x', 'x-bapi-limit-status': '1', 'x-bapi-limit-reset-timestamp': '1' })).toBeUndefined();
    expect(parseLimitHeaders(undefined)).toBeUndefined();
  });

  it('serves orders and cancels before market data when the shared IP budget is short', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ clock, ipLimit: { perSecond: 2 } });
    // Use up the IP budget.
    await limiter.acquire('market');
    await limiter.acquire('market');
    const served: string[] = [];
    const enqueue = (group: LimitGroup, name: string) => void limiter.acquire(group).then(() => served.push(name), () => undefined);
    enqueue('market', 'kline-1');
    enqueue('market', 'kline-2');
    enqueue('query', 'positions');
    enqueue('order', 'create');
    enqueue('cancel', 'cancel');
    await flush();
    expect(served).toEqual([]);
    await clock.advanceBy(500);
    await flush();
    expect(served).toEqual(['create']);
    await clock.advanceBy(500);
    await flush();
    expect(served).toEqual(['create', 'cancel']);
    await clock.advanceBy(1_000);
    await flush();
    expect(served).toEqual(['create', 'cancel', 'positions', 'kline-1']);
    limiter.close();
  });

  it('keeps a token bucket per group: a busy market group does not hold orders back', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ clock, limits: { market: { perSecond: 1 } } });
    await limiter.acquire('market');
    let market = false;
    let order = false;
    void limiter.acquire('market').then(() => (market = true));
    void limiter.acquire('order').then(() => (order = true));
    await flush();
    expect(order).toBe(true);
    expect(market).toBe(false);
    await clock.advanceBy(1_000);
    await flush();
    expect(market).toBe(true);
    limiter.close();
  });

  it('slows down near the server limit and stops at 0 until the reset time', async () => {
    const clock = new ManualClock(10_000);
    const limiter = new RateLimiter({ clock });
    // 1 of 10 left, window resets in 1 s: the next request is paced (1000 ms / 1 remaining).
    limiter.observe('order', { remaining: 1, limit: 10, resetInMs: 1_000 });
    let sent = false;
    void limiter.acquire('order').then(() => (sent = true));
    await flush();
    expect(sent).toBe(false);
    await clock.advanceBy(1_000);
    await flush();
    expect(sent).toBe(true);

    limiter.observe('order', { remaining: 0, limit: 10, resetInMs: 3_000 });
    let second = false;
    void limiter.acquire('order').then(() => (second = true));
    await clock.advanceBy(2_900);
    await flush();
    expect(second).toBe(false);
    await clock.advanceBy(200);
    await flush();
    expect(second).toBe(true);
    limiter.close();
  });

  it('a 10006 block holds the group until the window resets; an aborted waiter leaves the queue', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ clock });
    limiter.block('query', 2_000);
    const controller = new AbortController();
    const aborted = limiter.acquire('query', controller.signal);
    let ok = false;
    void limiter.acquire('query').then(() => (ok = true));
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(limiter.pending()).toBe(1);
    await clock.advanceBy(2_000);
    await flush();
    expect(ok).toBe(true);
    limiter.close();
  });

  it('knows the documented per-endpoint limit up front; an in-flight request counts until it completes, then for one window', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ clock, endpointLimits: { '/v5/account/wallet-balance': 2 }, safetyFraction: 1 });
    const first = await limiter.acquire('query', undefined, '/v5/account/wallet-balance');
    const second = await limiter.acquire('query', undefined, '/v5/account/wallet-balance');
    let third = false;
    void limiter.acquire('query', undefined, '/v5/account/wallet-balance').then(() => (third = true));
    // Another path of the same group is not held back by this endpoint's window.
    let other = false;
    void limiter.acquire('query', undefined, '/v5/position/list').then(() => (other = true));
    await flush();
    expect(other).toBe(true);
    // Both still in flight: time alone frees nothing.
    await clock.advanceBy(2_000);
    await flush();
    expect(third).toBe(false);
    // Completed at t=2000: the server may have counted it as late as that, so it stays in the window for 1 s.
    first();
    await flush();
    expect(third).toBe(false);
    await clock.advanceBy(1_000);
    await flush();
    expect(third).toBe(false);
    await clock.advanceBy(5);
    await flush();
    expect(third).toBe(true);
    second();
    limiter.close();
  });

  it('defaults: Bybit limits (10/s order create, 600 per 5 s per IP) with a 10 % margin, exposed as headroom', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ clock, limits: { order: { perSecond: 100 } } });
    let granted = 0;
    for (let i = 0; i < 12; i++) void limiter.acquire('order', undefined, '/v5/order/create').then((release) => (granted++, release()));
    await flush();
    expect(granted).toBe(9);
    expect(limiter.headroom()).toContainEqual({ scope: '/v5/order/create', remaining: 0, limit: 9 });
    expect(limiter.headroom()).toContainEqual({ scope: 'ip', remaining: 540 - 9, limit: 540 });
    await clock.advanceBy(1_001);
    await flush();
    expect(granted).toBe(12);
    limiter.close();
  });
});
