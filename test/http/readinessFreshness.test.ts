import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

const FIVE_MINUTES = 300_000;

interface ReadyBody {
  readonly ready: boolean;
  readonly checks: { marketData: { ok: boolean; confirmGraceMs: number; symbols: Record<string, { stale: boolean; ageMs: number }> } };
}

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.app.stop();
  h = undefined;
});

describe('/ready and the freshness of market data', () => {
  it('does not call the data stale in the seconds between a close and its confirm', async () => {
    // The default presets trade 5-minute candles and actor.maxStalenessMs is 300 s: one
    // second after a close the freshest confirmed candle ended 301 s ago.
    h = await startTestApp();
    await h.run(30 * 60_000, 5_000, 2);
    const nextClose = Math.ceil((h.clock.now() + 1) / FIVE_MINUTES) * FIVE_MINUTES;
    await h.clock.advanceTo(nextClose + 1_000);
    const r = await h.get('/ready');
    const body = r.body as ReadyBody;
    expect(body.checks.marketData.confirmGraceMs).toBe(5_000);
    for (const f of Object.values(body.checks.marketData.symbols)) {
      expect(f.ageMs).toBe(FIVE_MINUTES + 1_000);
      expect(f.stale).toBe(false);
    }
    expect(r.status).toBe(200);
  }, 60_000);
});
