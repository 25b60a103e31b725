import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { withDeadline } from '../../src/exchange/deadlinePort.ts';
import { DAY, makeSim, ORIGIN } from '../sim/simFixture.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * An emergency stop of a real account survives a restart: only an operator resume lifts
 * it (it is in the journal). A dry-run on the built-in simulator starts a new simulated
 * account every run, so an earlier run's halt does not apply to it.
 */
const apps: AppHarness[] = [];
afterEach(async () => {
  for (const h of apps.splice(0)) await h.app.stop();
});

/** Live mode on a venue 'local' account, here the simulator's port injected in process (no wire). */
const LIVE = {
  mode: 'live',
  exchange: { transport: 'wire', venue: 'local', restUrls: ['http://127.0.0.1:9'], wsUrl: 'ws://127.0.0.1:9', apiKey: 'bybot-test-key-1', apiSecret: 'bybot-test-secret-0123456789' },
};

describe('HALTED across restarts', () => {
  it('live: a bot restarted on the same journal and account comes back HALTED until resumed', async () => {
    const { clock, sim } = makeSim({ start: ORIGIN + DAY + 30_000 });
    const port = withDeadline(sim.port, clock, 10_000);
    const first = await startTestApp(LIVE, { clock, exchange: port });
    apps.push(first);
    await first.run(10 * 60_000, 5_000);
    expect((await first.post('/control/halt', { reason: 'investigating fills' })).status).toBe(202);
    await first.run(10_000);
    await first.app.stop();
    apps.length = 0;
    const dataDir = first.app.dataDir;

    const second = await startTestApp({ ...LIVE, journal: { dataDir } }, { clock, exchange: port });
    apps.push(second);
    await second.run(60_000, 5_000);
    expect(second.app.runtime.gate.current()).toBe('HALTED');
    const ready = await second.get('/ready');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toContain('still halted from before the restart (OPERATOR_HALT): operator: investigating fills');
    const before = second.logs.filter((l) => l.event === 'order').length;
    await second.run(30 * 60_000, 5_000);
    expect(second.logs.filter((l) => l.event === 'order').length).toBe(before);

    expect((await second.post('/control/resume', {})).status).toBe(202);
    await second.run(5_000);
    expect(second.app.runtime.gate.current()).toBe('ACTIVE');
    await second.app.stop();
    apps.length = 0;

    // Resumed: the next restart starts ACTIVE.
    const third = await startTestApp({ ...LIVE, journal: { dataDir } }, { clock, exchange: port });
    apps.push(third);
    await third.run(60_000, 5_000);
    expect(third.app.runtime.gate.current()).toBe('ACTIVE');
  }, 120_000);

  it('dry-run on the built-in simulator: the next run is a fresh simulated account and starts ACTIVE', async () => {
    const first = await startTestApp();
    apps.push(first);
    await first.run(10 * 60_000, 5_000);
    expect((await first.post('/control/halt', { reason: 'testing the halt' })).status).toBe(202);
    await first.run(10_000);
    expect(first.app.runtime.gate.current()).toBe('HALTED');
    await first.app.stop();
    apps.length = 0;

    const second = await startTestApp({ journal: { dataDir: first.app.dataDir } }, { clock: new ManualClock(first.clock.now()) });
    apps.push(second);
    await second.run(60_000, 5_000);
    expect(second.app.runtime.gate.current()).toBe('ACTIVE');
    expect(second.logs.some((l) => l.event === 'halt_persisted')).toBe(false);
    expect((await second.get('/ready')).status).toBe(200);
  }, 120_000);
});
