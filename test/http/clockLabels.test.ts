import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/clock/systemClock.ts';
import { AcceleratedClock } from '../../src/clock/acceleratedClock.ts';
import { clockInfo } from '../../src/http/server.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/** Finding 11: simulated times are labelled as simulated, wall-clock times as wall-clock. */
let h: AppHarness;
beforeAll(async () => {
  h = await startTestApp();
  await h.run(60_000);
});
afterAll(async () => {
  await h?.app.stop();
});

describe('time labels', () => {
  it('/health, /status and /actors/:id say which clock their times are on', async () => {
    for (const path of ['/health', '/status', '/actors/BTCUSDT:range-v1']) {
      const body = (await h.get(path)).body as { clock: { source: string; now: string }; wallTime?: string };
      expect(body.clock.source, path).toBe('simulated');
      expect(body.clock.now, path).toBe(new Date(h.clock.now()).toISOString());
    }
    const health = (await h.get('/health')).body as { wallTime: string; time?: unknown };
    expect(health.wallTime).toMatch(/Z$/);
    expect(health.time).toBeUndefined(); // no unlabelled time any more
  });

  it('the wall clock is labelled wall, an accelerated one simulated with its speed', () => {
    expect(clockInfo(new SystemClock(), 0)).toMatchObject({ source: 'wall', speed: null });
    expect(clockInfo(new AcceleratedClock(0, 300), 0)).toMatchObject({ source: 'simulated', speed: 300 });
  });

  it('the /viz page labels its times from /health', async () => {
    const main = (await h.get('/viz/assets/main.js')).text;
    expect(main).toContain("fetch('/health')");
    const detail = (await h.get('/viz/assets/detail.js')).text;
    expect(detail).toContain('export function clockLabel');
    expect(detail).not.toContain('time (UTC, simulated)</th>');
  });
});
