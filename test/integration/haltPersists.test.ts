import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/** An emergency stop survives a restart: only an operator resume lifts it (it is in the journal). */
const apps: AppHarness[] = [];
afterEach(async () => {
  for (const h of apps.splice(0)) await h.app.stop();
});

describe('HALTED survives a restart', () => {
  it('a bot restarted on the same journal comes back HALTED until resumed', async () => {
    const first = await startTestApp();
    apps.push(first);
    await first.run(10 * 60_000, 5_000);
    expect((await first.post('/control/halt', { reason: 'investigating fills' })).status).toBe(202);
    await first.run(10_000);
    await first.app.stop();
    const dataDir = first.app.config.journal.dataDir;

    const second = await startTestApp({ journal: { dataDir } });
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
    const third = await startTestApp({ journal: { dataDir } });
    apps.push(third);
    await third.run(60_000, 5_000);
    expect(third.app.runtime.gate.current()).toBe('ACTIVE');
  }, 120_000);
});
