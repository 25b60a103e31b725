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
});
