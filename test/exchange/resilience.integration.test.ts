import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupFunction } from 'node:net';
import { ExchangeUnavailableError, RateLimitError, TimeoutError } from '../../src/domain/errors.ts';
import { createFaultyLookup } from '../../src/exchangeSim/index.ts';
import { adapterFor, startSimServer, type SimServerFixture } from './support/simServer.ts';

/**
 * Resilience against the wire simulator's faults: DNS failure and refused connections
 * fail over to the next endpoint and fail back when the primary answers again; a hung
 * server times out at our deadline (not the SDK's 5 minutes); rate-limit and 5xx answers
 * arrive typed, with channel alerts.
 */
let f: SimServerFixture;

beforeAll(async () => {
  f = await startSimServer();
});

afterAll(async () => {
  await f?.server.close();
});

function hosts(): { urls: string[]; lookup: LookupFunction } {
  const lookup = createFaultyLookup({ 'api.bybit.local': '127.0.0.1', 'api.bytick.local': '127.0.0.1' }, f.server.faults) as unknown as LookupFunction;
  return { urls: [`http://api.bybit.local:${f.server.port}`, `http://api.bytick.local:${f.server.port}`], lookup };
}

describe('endpoint failover and fail-back', () => {
  it('DNS failure of the primary: requests go to the backup; the primary takes over again once it resolves', async () => {
    const { urls, lookup } = hosts();
    const a = adapterFor(f, { restUrls: urls, lookup });
    try {
      expect(a.bybit.pool.active()).toBe(urls[0]);
      f.server.faults.set({ dnsFailure: ['api.bybit.local'] });
      const balance = await a.bybit.rest.balance();
      expect(balance.walletBalance).toBeGreaterThan(0);
      expect(a.bybit.pool.active()).toBe(urls[1]);
      expect(a.bybit.pool.snapshot()[0]).toMatchObject({ healthy: false });
      const alerts = a.lines.filter((l) => l.event === 'channel_alert');
      expect(alerts).toContainEqual(expect.objectContaining({ priority: 'critical', channel: 'rest', reason: 'dns' }));
      expect(alerts).toContainEqual(expect.objectContaining({ priority: 'high', reason: 'failover', active: urls[1] }));
      expect(await a.metrics.registry.getSingleMetricAsString('bybot_exchange_endpoint_up')).toContain(`endpoint="${urls[0]}"} 0`);
      const active = await a.metrics.registry.getSingleMetricAsString('bybot_exchange_endpoint_active');
      expect(active).toContain(`endpoint="${urls[0]}"} 0`);
      expect(active).toContain(`endpoint="${urls[1]}"} 1`);
      const requests = await a.metrics.registry.getSingleMetricAsString('bybot_bybit_http_requests_total');
      expect(requests).toContain(`endpoint="${urls[0]}",path="/v5/account/wallet-balance",result="dns"} 1`);
      expect(requests).toContain(`endpoint="${urls[1]}",path="/v5/account/wallet-balance",result="ok"} 1`);

      // Still failing: the probe leaves it down.
      await a.bybit.pool.probeNow();
      expect(a.bybit.pool.active()).toBe(urls[1]);
      f.server.faults.set({ dnsFailure: [] });
      await a.bybit.pool.probeNow();
      expect(a.bybit.pool.active()).toBe(urls[0]);
      expect(await a.metrics.registry.getSingleMetricAsString('bybot_exchange_endpoint_active')).toContain(`endpoint="${urls[0]}"} 1`);
      expect(a.lines).toContainEqual(expect.objectContaining({ event: 'channel_alert', priority: 'info', reason: 'failback' }));
      await a.bybit.rest.serverTime();
    } finally {
      f.server.faults.set({ dnsFailure: [] });
      await a.bybit.close();
    }
  });

  it('two servers, the first one stopped: connection refused fails over', async () => {
    const stopped = await startSimServer();
    const deadUrl = stopped.server.url;
    await stopped.server.close();
    const a = adapterFor(f, { restUrls: [deadUrl, f.server.url] });
    try {
      const candles = await a.bybit.rest.candles({ symbol: 'BTCUSDT', interval: '5', limit: 3 });
      expect(candles).toHaveLength(3);
      expect(a.bybit.pool.active()).toBe(f.server.url);
      expect(a.lines).toContainEqual(expect.objectContaining({ event: 'channel_alert', reason: 'connect', endpoint: deadUrl }));
    } finally {
      await a.bybit.close();
    }
  });

  it('the failback probe runs by itself on the timer clock', async () => {
    const { urls, lookup } = hosts();
    const a = adapterFor(f, { restUrls: urls, lookup, failbackProbeMs: 50 });
    try {
      f.server.faults.set({ dnsFailure: ['api.bybit.local'] });
      await a.bybit.rest.serverTime();
      expect(a.bybit.pool.active()).toBe(urls[1]);
      f.server.faults.set({ dnsFailure: [] });
      const deadline = performance.now() + 3_000;
      while (a.bybit.pool.active() !== urls[0] && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(a.bybit.pool.active()).toBe(urls[0]);
    } finally {
      f.server.faults.set({ dnsFailure: [] });
      await a.bybit.close();
    }
  });
});

describe('timeouts and degraded answers', () => {
  it('a hung server times out at exchange.requestTimeoutMs, with a timeout alert', async () => {
    const a = adapterFor(f, { requestTimeoutMs: 300 });
    try {
      f.server.faults.set({ hang: true });
      const started = performance.now();
      const error = await a.bybit.rest.balance().catch((e: unknown) => e);
      const took = performance.now() - started;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(took).toBeLessThan(2_000);
      expect(a.lines).toContainEqual(expect.objectContaining({ event: 'channel_alert', priority: 'high', reason: 'timeout' }));
    } finally {
      f.server.faults.set({ hang: false });
      await a.bybit.close();
    }
  });

  it('10006 and HTTP 403 storms are RateLimitErrors with a rate-limit alert', async () => {
    const a = adapterFor(f);
    try {
      f.server.faults.set({ rateLimitStorm: '10006' });
      const uid = await a.bybit.rest.positions().catch((e: unknown) => e);
      expect(uid).toBeInstanceOf(RateLimitError);
      expect((uid as RateLimitError).details).toMatchObject({ retCode: 10006 });
      f.server.faults.set({ rateLimitStorm: '403' });
      const ip = await a.bybit.rest.serverTime().catch((e: unknown) => e);
      expect(ip).toBeInstanceOf(RateLimitError);
      expect((ip as RateLimitError).details).toMatchObject({ httpStatus: 403 });
      expect(a.lines).toContainEqual(expect.objectContaining({ event: 'channel_alert', reason: 'rate_limit' }));
      expect(await a.metrics.registry.getSingleMetricAsString('bybot_channel_alerts_total')).toContain('reason="rate_limit"');
      const requests = await a.metrics.registry.getSingleMetricAsString('bybot_bybit_http_requests_total');
      expect(requests).toContain('path="/v5/position/list",result="ret_10006"} 1');
      expect(requests).toContain('path="/v5/market/time",result="rate_limited"} 1');
      expect(await a.metrics.registry.getSingleMetricAsString('bybot_rate_limit_remaining')).toContain('group="query",source="server"} 0');
    } finally {
      f.server.faults.set({ rateLimitStorm: 'off' });
      await a.bybit.close();
    }
  });

  it('5xx answers are retried with backoff, then given up as ExchangeUnavailableError', async () => {
    const a = adapterFor(f, { retry: { maxRetries: 2, baseMs: 1_000, maxMs: 4_000 } });
    try {
      f.server.faults.set({ errorRate: 1 });
      let done = false;
      const p = a.bybit.rest.ticker('BTCUSDT').finally(() => (done = true));
      p.catch(() => undefined);
      // Backoff sleeps run on the (manual) domain clock.
      for (let i = 0; i < 200 && !done; i++) {
        await f.clock.advanceBy(1_000);
        await new Promise((r) => setTimeout(r, 5));
      }
      await expect(p).rejects.toBeInstanceOf(ExchangeUnavailableError);
      expect(await a.metrics.registry.getSingleMetricAsString('bybot_exchange_retries_total')).toContain('operation="ticker",code="EXCHANGE_UNAVAILABLE"} 2');
    } finally {
      f.server.faults.set({ errorRate: 0 });
      await a.bybit.close();
    }
  });

  it('the market-data cache serves the last good candles while the exchange is down', async () => {
    const a = adapterFor(f, { candleTtlMs: 1_000 });
    try {
      const fetchedAt = f.clock.now();
      const fresh = await a.bybit.port.candles({ symbol: 'SOLUSDT', interval: '5', limit: 10 });
      await f.clock.advanceBy(5_000);
      f.server.faults.set({ errorRate: 1 });
      const served = await a.bybit.port.candles({ symbol: 'SOLUSDT', interval: '5', limit: 10 });
      // The last good data, minus the candle that was still forming when it was fetched.
      expect(fresh.at(-1)!.start + 300_000).toBeGreaterThan(fetchedAt);
      expect(served).toEqual(fresh.slice(0, -1));
      expect(a.bybit.cache.isStale(served)).toBe(true);
      const metric = await a.metrics.registry.getSingleMetricAsString('bybot_market_data_cache_total');
      expect(metric).toContain('kind="candles",result="stale"} 1');
      expect(metric).toContain('kind="candles",result="miss"} 1');
    } finally {
      f.server.faults.set({ errorRate: 0 });
      await a.bybit.close();
    }
  });
});
