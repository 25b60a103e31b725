import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * The whole bot with exchange.transport 'wire' (the npm start default): the simulator is
 * served over the Bybit V5 protocol on 127.0.0.1:0 and every actor's call goes through
 * bybit-api and our adapter. Simulated time is driven by the ManualClock; real time is let
 * through between steps for the sockets.
 */
let h: AppHarness;

beforeAll(async () => {
  h = await startTestApp({ exchange: { transport: 'wire' } });
  const end = h.clock.now() + 45 * 60_000;
  while (h.clock.now() < end) {
    await h.clock.advanceBy(2_000);
    await new Promise((r) => setTimeout(r, 3));
  }
}, 60_000);

afterAll(async () => {
  await h?.app.stop();
});

describe('app over the wire transport', () => {
  it('starts on the simulator server and says so', () => {
    const startup = h.logs.find((l) => l.event === 'startup');
    expect(String(startup?.venue)).toMatch(/^built-in simulator over the Bybit V5 wire protocol at http:\/\/127\.0\.0\.1:\d+/);
    expect(h.app.exchange.venue).toBe('simulator');
  });

  it('places trades through bybit-api that the simulator filled', async () => {
    const orders = h.logs.filter((l) => l.event === 'order');
    expect(orders.length).toBeGreaterThan(0);
    const fills = await h.app.exchange.executions({ limit: 100 });
    expect(fills.length).toBeGreaterThan(0);
    expect(h.app.simulator!.engine.executions({ limit: 100 }).length).toBe(fills.length);
  });

  it('/ready is 200 and /metrics carries the adapter metrics', async () => {
    expect((await h.get('/ready')).status).toBe(200);
    const metrics = (await h.get('/metrics')).text;
    expect(metrics).toContain('bybot_market_data_cache_total');
    expect(metrics).toContain('bybot_exchange_endpoint_up{endpoint="http://127.0.0.1:');
  });

  it('/metrics: per-endpoint latency and errors, rate-limit headroom, cache hit/miss, WS reconnects, the endpoint in use', async () => {
    const metrics = (await h.get('/metrics')).text;
    const sample = (name: string, labels: RegExp): number | undefined => {
      for (const line of metrics.split('\n')) {
        if (!line.startsWith(`${name}{`)) continue;
        const labelText = line.slice(name.length, line.lastIndexOf('}') + 1);
        if (labels.test(labelText)) return Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return undefined;
    };
    const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(String(h.logs.find((l) => l.event === 'startup')?.venue))?.[1] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ep = url.replace(/[.]/g, '\\.');
    // Requests and latency per REST path, with the base URL.
    expect(sample('bybot_bybit_http_requests_total', new RegExp(`endpoint="${ep}".*path="/v5/market/kline".*result="ok"`))).toBeGreaterThan(0);
    expect(sample('bybot_bybit_http_requests_total', new RegExp(`endpoint="${ep}".*path="/v5/order/create".*result="ok"`))).toBeGreaterThan(0);
    expect(sample('bybot_bybit_http_request_duration_seconds_count', new RegExp(`endpoint="${ep}".*path="/v5/market/kline"`))).toBeGreaterThan(0);
    expect(metrics).toContain('bybot_exchange_request_duration_seconds');
    expect(metrics).toContain('# TYPE bybot_exchange_errors_total counter');
    // Rate-limit headroom: the server's X-Bapi-Limit-Status and our local budgets.
    expect(sample('bybot_rate_limit_remaining', /group="query".*source="server"/)).toBeGreaterThanOrEqual(0);
    expect(sample('bybot_rate_limit_remaining', /group="ip".*source="local"/)).toBeGreaterThan(0);
    expect(sample('bybot_rate_limit_remaining', /group="market".*source="local"/)).toBeGreaterThan(0);
    const headroom = sample('bybot_rate_limit_headroom_ratio', /group="ip"/);
    expect(headroom).toBeGreaterThan(0);
    expect(headroom).toBeLessThanOrEqual(1);
    // Cache hit/miss.
    expect(sample('bybot_market_data_cache_total', /kind="candles".*result="miss"/)).toBeGreaterThan(0);
    expect(sample('bybot_market_data_cache_total', /kind="candles".*result="hit"/)).toBeGreaterThanOrEqual(0);
    // WS reconnects (none in this run, but the series exist) and the endpoint in use.
    expect(sample('bybot_ws_reconnects_total', /stream="public"/)).toBe(0);
    expect(sample('bybot_ws_reconnects_total', /stream="private"/)).toBe(0);
    expect(sample('bybot_exchange_endpoint_active', new RegExp(`endpoint="${ep}"`))).toBe(1);
  });
});
