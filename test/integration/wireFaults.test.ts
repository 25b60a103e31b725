import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness, type LogLine } from '../support/appHarness.ts';

/**
 * The escalation levels again, this time with every call going through the real bybit-api
 * client to the simulator server (transport wire): the faults arrive as Bybit would send
 * them (retCodes, refused connections) and must still land on the right level.
 */
let h: AppHarness | undefined;
afterEach(async () => {
  await h?.app.stop();
  h = undefined;
});

const escalations = (logs: readonly LogLine[]) => logs.filter((l) => l.event === 'escalation').map((l) => `${l.escalationLevel}/${l.kind}/${l.code}`);

describe('faults over the Bybit wire protocol', () => {
  it('authentication rejected by the server: level 3 at once, HALTED, no crash', async () => {
    h = await startTestApp({ exchange: { transport: 'wire' } });
    await h.run(5 * 60_000, 5_000, 4);
    expect((await h.post('/simulator/faults', { authRejected: true })).status).toBe(200);
    await h.run(5 * 60_000, 5_000, 4);
    expect(escalations(h.logs)).toContain('system/emergency_stop/AUTH_REJECTED');
    expect(h.app.runtime.gate.current()).toBe('HALTED');
    expect((await h.get('/health')).status).toBe(200); // the process lives on
    expect((await h.get('/ready')).status).toBe(503);
  }, 90_000);

  it('5xx on every call: level 1 failures open the breakers, then level 2 and 3', async () => {
    h = await startTestApp({ exchange: { transport: 'wire', maxRetries: 0 } });
    await h.run(5 * 60_000, 5_000, 4);
    expect((await h.post('/simulator/faults', { errorRate: 1 })).status).toBe(200);
    await h.run(90 * 60_000, 5_000, 4);
    const seen = escalations(h.logs);
    expect(seen).toContain('symbol/strategy_disabled/BREAKER_TRIPS_EXCEEDED');
    expect(seen).toContain('system/emergency_stop/TOO_MANY_SYMBOLS_DISABLED');
    const failures = h.logs.filter((l) => l.event === 'iteration_failed').map((l) => l.code);
    expect(new Set(failures)).toEqual(new Set(['EXCHANGE_UNAVAILABLE']));
    // The channel alerts (5xx) are journaled, throttled to one row per minute per reason.
    const db = new Database(join(h.app.config.journal.dataDir, 'bybot.db'), { readonly: true });
    const alerts = db.prepare(`SELECT priority, channel, reason FROM alerts`).all() as { priority: string; channel: string; reason: string }[];
    db.close();
    expect(alerts.some((a) => a.channel === 'rest' && a.priority === 'high' && a.reason.startsWith('server_error'))).toBe(true);
  }, 120_000);
});
