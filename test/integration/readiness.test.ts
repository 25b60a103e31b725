import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * Finding 5: /ready must be 503 whenever the bot cannot trade. During a 10006 storm the
 * exchange still "answers" (a rate-limit error is not a connectivity failure), yet every
 * actor's breaker opens and no fresh candle arrives: /ready says so, symbol by symbol.
 */
let h: AppHarness | undefined;
afterEach(async () => {
  await h?.app.stop();
  h = undefined;
});

interface ReadyBody {
  readonly ready: boolean;
  readonly reasons: string[];
  readonly checks: { actors: { usable: number; broken: number }; marketData: { ok: boolean; symbols: Record<string, { stale: boolean; ageMs: number; lastClosedCandleAt: string | null }> } };
}

describe('readiness under a 10006 rate-limit storm', () => {
  it('503 with reasons once every breaker is open and the data is stale; per-symbol freshness; 200 again after the storm', async () => {
    // Breakers that stay open for 40 minutes once tripped and no level-2 disables: the moment
    // when every actor is broken does not depend on how fast this machine runs the wire calls.
    h = await startTestApp({ exchange: { transport: 'wire', maxRetries: 0 }, breaker: { openMs: 40 * 60_000 }, supervision: { disableAfterTrips: 20 } });
    await h.run(10 * 60_000, 5_000, 4);
    const before = await h.get('/ready');
    expect(before.status).toBe(200);
    const fresh = (before.body as ReadyBody).checks.marketData.symbols;
    expect(Object.keys(fresh)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    for (const f of Object.values(fresh)) expect(f).toMatchObject({ stale: false });

    expect((await h.post('/simulator/faults', { rateLimitStorm: '10006' })).status).toBe(200);
    // Every iteration now fails with 10006: the data ages at once, and after five failed
    // iterations (one per 5-minute candle, slowed by the rate-limit blocks) the breakers open.
    const seen = new Set<string>();
    let allBroken: ReadyBody | undefined;
    for (let minute = 0; minute < 90 && !allBroken; minute += 5) {
      await h.run(5 * 60_000, 5_000, 4);
      const r = await h.get('/ready');
      const body = r.body as ReadyBody;
      if (body.reasons.length > 0) expect(r.status).toBe(503);
      for (const reason of body.reasons) seen.add(reason.split(':')[0]!);
      if (body.checks.actors.broken === 9) allBroken = body;
    }
    expect([...seen]).toContain('no actor can trade');
    expect([...seen]).toContain('market data is stale for every symbol (3)');
    expect(allBroken?.checks.actors).toMatchObject({ usable: 0, broken: 9 });
    for (const f of Object.values(allBroken!.checks.marketData.symbols)) expect(f.stale).toBe(true);

    expect((await h.post('/simulator/faults', { rateLimitStorm: 'off' })).status).toBe(200);
    // The breakers' half-open attempts succeed once the storm is over.
    let after = 503;
    for (let minute = 0; minute < 90 && after !== 200; minute += 5) {
      await h.run(5 * 60_000, 5_000, 4);
      after = (await h.get('/ready')).status;
    }
    expect(after).toBe(200);
  }, 180_000);
});
