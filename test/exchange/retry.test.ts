import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { mulberry32 } from '../../src/core/rng.ts';
import { AuthError, DuplicateOrderError, ExchangeUnavailableError, OrderRejectedError, RateLimitError, TimeoutError } from '../../src/domain/errors.ts';
import { BybitRestPort } from '../../src/exchange/bybit/restPort.ts';
import type { RestRequest, RestResult, RestTransport } from '../../src/exchange/bybit/restTransport.ts';
import { backoffDelay, withRetry, type RetryPolicy } from '../../src/exchange/bybit/retry.ts';
import { memoryLogger, testAlerts } from './support/fakes.ts';

const POLICY: RetryPolicy = { maxRetries: 3, baseMs: 100, maxMs: 1_000 };

const ORDER_ROW = {
  orderId: 'oid-1',
  orderLinkId: 'link-1',
  symbol: 'BTCUSDT',
  side: 'Buy',
  orderType: 'Market',
  price: '0',
  qty: '0.01',
  orderStatus: 'Filled',
  timeInForce: 'IOC',
  cumExecQty: '0.01',
  cumExecValue: '500',
  cumExecFee: '0.1',
  avgPrice: '50000',
  reduceOnly: false,
  createdTime: '1',
  updatedTime: '2',
};

type Handler = (spec: RestRequest<unknown>) => unknown;

/** A transport that answers from a script and records every request (retry is the port's or withRetry's job). */
class ScriptedTransport implements RestTransport {
  readonly retryPolicy = POLICY;
  readonly requests: RestRequest<unknown>[] = [];
  constructor(
    private readonly handler: Handler,
    private readonly clock: ManualClock,
  ) {}
  async request<T>(spec: RestRequest<T>): Promise<RestResult<T>> {
    this.requests.push(spec as RestRequest<unknown>);
    const raw = this.handler(spec as RestRequest<unknown>);
    return { result: spec.schema.parse(raw), time: this.clock.now() };
  }
  requestWithRetry<T>(spec: RestRequest<T>): Promise<RestResult<T>> {
    return withRetry(() => this.request(spec), { clock: this.clock, random: mulberry32(1), policy: POLICY });
  }
  async syncClock(): Promise<number> {
    return this.clock.now();
  }
  count(endpoint: string): number {
    return this.requests.filter((r) => r.endpoint === endpoint).length;
  }
}

function portWith(handler: Handler) {
  const clock = new ManualClock(1_000_000);
  const transport = new ScriptedTransport(handler, clock);
  const { logger, lines } = memoryLogger();
  const port = new BybitRestPort({ venue: 'test', transport, clock, random: mulberry32(7), alerts: testAlerts(clock).alerts, logger });
  return { clock, transport, port, lines };
}

/** Runs a promise while advancing the ManualClock so backoff sleeps elapse. */
async function drive<T>(clock: ManualClock, promise: Promise<T>): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => (settled = true));
  tracked.catch(() => undefined); // handled by the caller's expect; not "unhandled" while we advance
  for (let i = 0; i < 100 && !settled; i++) await clock.advanceBy(1_000);
  return tracked;
}

const ORDER = { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'link-1' } as const;

describe('order create with an unknown outcome', () => {
  it('timeout, then found by orderLinkId: no second create', async () => {
    let creates = 0;
    const { clock, transport, port } = portWith((spec) => {
      if (spec.endpoint === '/v5/order/create') {
        creates++;
        throw new TimeoutError('placeOrder timed out', { details: { transport: 'timeout' } });
      }
      if (spec.endpoint === '/v5/order/realtime') return { list: [ORDER_ROW] };
      return { list: [] };
    });
    const ack = await drive(clock, port.placeOrder(ORDER));
    expect(ack).toEqual({ orderId: 'oid-1', orderLinkId: 'link-1' });
    expect(creates).toBe(1);
    expect(transport.requests.find((r) => r.endpoint === '/v5/order/realtime')?.params).toMatchObject({ orderLinkId: 'link-1', symbol: 'BTCUSDT' });
  });

  it('timeout, then not found (realtime and history): exactly one retry with the same orderLinkId', async () => {
    let creates = 0;
    const { clock, transport, port } = portWith((spec) => {
      if (spec.endpoint === '/v5/order/create') {
        creates++;
        if (creates === 1) throw new TimeoutError('placeOrder timed out', { details: { transport: 'timeout' } });
        return { orderId: 'oid-2', orderLinkId: 'link-1' };
      }
      return { list: [] };
    });
    const ack = await drive(clock, port.placeOrder(ORDER));
    expect(ack).toEqual({ orderId: 'oid-2', orderLinkId: 'link-1' });
    const creates_ = transport.requests.filter((r) => r.endpoint === '/v5/order/create');
    expect(creates_).toHaveLength(2);
    expect(creates_.map((r) => r.params.orderLinkId)).toEqual(['link-1', 'link-1']);
    expect(transport.count('/v5/order/realtime')).toBe(1);
    expect(transport.count('/v5/order/history')).toBe(1);
    // Order creation is never re-sent to another endpoint inside the transport.
    expect(creates_.every((r) => r.idempotent === false)).toBe(true);
  });

  it('a 5xx is an unknown outcome too; a rate limit is not (no lookup before its retry)', async () => {
    let creates = 0;
    const { clock, transport, port } = portWith((spec) => {
      if (spec.endpoint === '/v5/order/create') {
        creates++;
        if (creates === 1) throw new RateLimitError('10006', 10);
        return { orderId: 'oid-3', orderLinkId: 'link-1' };
      }
      return { list: [] };
    });
    await drive(clock, port.placeOrder(ORDER));
    expect(transport.count('/v5/order/realtime')).toBe(0);
    expect(creates).toBe(2);
  });

  it('a duplicate orderLinkId answer resolves to the existing order', async () => {
    const { clock, port } = portWith((spec) => {
      if (spec.endpoint === '/v5/order/create') throw new DuplicateOrderError('110072');
      if (spec.endpoint === '/v5/order/history') return { list: [ORDER_ROW] };
      return { list: [] };
    });
    await expect(drive(clock, port.placeOrder(ORDER))).resolves.toEqual({ orderId: 'oid-1', orderLinkId: 'link-1' });
  });

  it('rejections and auth failures are not retried', async () => {
    for (const error of [new OrderRejectedError('10001 qty'), new AuthError('10003')]) {
      const { clock, transport, port } = portWith((spec) => {
        if (spec.endpoint === '/v5/order/create') throw error;
        return { list: [] };
      });
      await expect(drive(clock, port.placeOrder(ORDER))).rejects.toBe(error);
      expect(transport.count('/v5/order/create')).toBe(1);
      expect(transport.count('/v5/order/realtime')).toBe(0);
    }
  });

  it('gives up after maxRetries and throws the last transient error', async () => {
    const { clock, transport, port } = portWith((spec) => {
      if (spec.endpoint === '/v5/order/create') throw new ExchangeUnavailableError('503', { details: { transport: 'server' } });
      return { list: [] };
    });
    await expect(drive(clock, port.placeOrder(ORDER))).rejects.toBeInstanceOf(ExchangeUnavailableError);
    expect(transport.count('/v5/order/create')).toBe(POLICY.maxRetries + 1);
  });
});

describe('withRetry / backoff', () => {
  it('retries only transient errors', async () => {
    const clock = new ManualClock(0);
    let calls = 0;
    const transient = withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new TimeoutError('t');
        return 'ok';
      },
      { clock, random: mulberry32(1), policy: POLICY },
    );
    await expect(drive(clock, transient)).resolves.toBe('ok');
    expect(calls).toBe(3);

    let rejects = 0;
    const permanent = withRetry(
      async () => {
        rejects++;
        throw new OrderRejectedError('no');
      },
      { clock, random: mulberry32(1), policy: POLICY },
    );
    await expect(drive(clock, permanent)).rejects.toBeInstanceOf(OrderRejectedError);
    expect(rejects).toBe(1);
  });

  it('full jitter: delays within [0, min(max, base*2^n)); a rate limit waits for its window', () => {
    const random = mulberry32(42);
    for (let attempt = 0; attempt < 8; attempt++) {
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, POLICY, random);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(Math.min(POLICY.maxMs, POLICY.baseMs * 2 ** attempt));
      }
    }
    expect(backoffDelay(0, POLICY, () => 0, new RateLimitError('x', 2_500))).toBe(2_500);
  });

  it('sleeps on the injected clock: nothing happens until simulated time passes', async () => {
    const clock = new ManualClock(0);
    let calls = 0;
    const p = withRetry(
      async () => {
        calls++;
        if (calls === 1) throw new TimeoutError('t');
        return calls;
      },
      { clock, random: () => 0.999, policy: { maxRetries: 1, baseMs: 10_000, maxMs: 10_000 } },
    );
    await clock.advanceBy(0);
    expect(calls).toBe(1);
    await clock.advanceBy(9_000);
    expect(calls).toBe(1);
    await clock.advanceBy(1_000);
    await expect(p).resolves.toBe(2);
  });
});
