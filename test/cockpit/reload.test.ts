import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * POST /config/reload re-reads the configuration file: live changes are applied at once
 * (changed presets restart between cycles), restart-only changes are refused naming the
 * keys, an invalid file is refused naming the problem; GET /config shows the effective
 * configuration, secrets redacted, and its version.
 */
let h: AppHarness | undefined;
afterEach(async () => {
  await h?.app.stop();
  h = undefined;
});

function configFile(): { path: string; write: (yaml: string) => void } {
  const path = join(mkdtempSync(join(tmpdir(), 'bybot-reload-')), 'bybot.yaml');
  return { path, write: (yaml) => writeFileSync(path, yaml) };
}

const base = (adxMax: number, extra = '', alerts = '') => `
strategies:
  - { id: range-v1, type: range, symbols: [BTCUSDT, ETHUSDT], params: { adxMax: ${adxMax} } }
  - { id: mtf-v1, type: multiTimeframe, symbols: [BTCUSDT] }
alerts:
  webhook: { url: "http://127.0.0.1:9/hook", secret: "shh-webhook-secret-0123" }
${alerts}
${extra}`;

type Outcome = { result: string; message: string; changes: string[]; restartRequired: string[]; problems: string[]; restarting: string[]; versionBefore: string; versionAfter: string };

describe('POST /config/reload', () => {
  it('applies a preset change live, refuses restart-only keys by name, refuses an invalid file, reports no change', async () => {
    const file = configFile();
    file.write(base(32));
    h = await startTestApp({}, { configFile: file.path });
    await h.run(20 * 60_000, 5_000);

    const config = (await h.get('/config')).body as { version: string; config: { alerts: { webhook: { secret: string } }; strategies: { id: string }[] } };
    expect(config.version).toMatch(/^[0-9a-f]{12}$/);
    expect(config.config.alerts.webhook.secret).toBe('[redacted]');
    expect(JSON.stringify(config)).not.toContain('shh-webhook-secret');
    const mtfBefore = (await h.get('/actors/BTCUSDT:mtf-v1')).body as { correlationId: string };

    file.write(base(27));
    let r = (await h.post('/config/reload')) as { status: number; body: Outcome };
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ result: 'applied', changes: ['strategies[range-v1].params.adxMax'], restarting: ['BTCUSDT:range-v1', 'ETHUSDT:range-v1'], versionBefore: config.version });
    expect(r.body.versionAfter).not.toBe(config.version);
    await h.run(15 * 60_000, 5_000);
    expect(((await h.get('/actors/ETHUSDT:range-v1')).body as { params: { adxMax: number } }).params.adxMax).toBe(27);
    const mtfAfter = (await h.get('/actors/BTCUSDT:mtf-v1')).body as { correlationId: string };
    expect(mtfAfter.correlationId.split('.')[0]).toBe(mtfBefore.correlationId.split('.')[0]);
    expect(((await h.get('/config')).body as { version: string }).version).toBe(r.body.versionAfter);

    file.write(base(27, 'exchange: { venue: mainnet }\njournal: { retentionDays: 30 }\nrisk: { maxLeverage: 3 }'));
    r = (await h.post('/config/reload')) as { status: number; body: Outcome };
    expect(r.status).toBe(409);
    expect(r.body.result).toBe('refused');
    expect(r.body.restartRequired).toEqual(['exchange.venue', 'journal.retentionDays']);
    expect(r.body.message).toContain('exchange.venue, journal.retentionDays can only change with a restart; nothing was changed');
    expect(h.app.cockpit.live.get().risk.maxLeverage).toBe(5);

    file.write(base(27).replace('adxMax: 27', 'adxMax: "lots"'));
    r = (await h.post('/config/reload')) as { status: number; body: Outcome };
    expect(r.status).toBe(400);
    expect(r.body.result).toBe('invalid');
    expect(r.body.problems.join('\n')).toContain('strategies[0].params.adxMax');

    file.write(base(27, '', '  thresholds: { rssMb: 1200 }\n  routes: { P3: [] }'));
    r = (await h.post('/config/reload')) as { status: number; body: Outcome };
    expect(r.body).toMatchObject({ result: 'applied', changes: ['alerts.routes.P3', 'alerts.thresholds.rssMb'], restarting: [] });
    expect(h.app.cockpit.live.get().alerts.thresholds.rssMb).toBe(1200);
    r = (await h.post('/config/reload')) as { status: number; body: Outcome };
    expect(r.body.result).toBe('unchanged');

    // Every attempt is journaled and sent as a P3 alert.
    const db = new Database(join(h.app.config.journal.dataDir, 'bybot.db'), { readonly: true });
    const rows = db.prepare('SELECT result, trigger FROM config_reloads ORDER BY id').all() as { result: string; trigger: string }[];
    db.close();
    expect(rows.map((x) => x.result)).toEqual(['applied', 'refused', 'invalid', 'applied', 'unchanged']);
    const recent = ((await h.get('/alerts')).body as { recent: { priority: string; title: string }[] }).recent;
    expect(recent.filter((a) => a.title.startsWith('Configuration reload')).map((a) => a.priority)).toEqual(['P3', 'P3', 'P3', 'P3', 'P3']);
    expect((await h.get('/metrics')).text).toContain('bybot_config_reloads_total{result="refused"} 1');
  }, 60_000);

  it('enables and disables by preset and by symbol', async () => {
    const file = configFile();
    file.write(base(32));
    h = await startTestApp({}, { configFile: file.path });
    await h.run(5 * 60_000, 5_000);
    let r = await h.post('/presets/range-v1/disable', { reason: 'review' });
    expect(r).toMatchObject({ status: 202, body: { actors: ['BTCUSDT:range-v1', 'ETHUSDT:range-v1'] } });
    await h.run(5_000);
    const statuses = async () => ((await h!.get('/actors')).body as { actors: { id: string; status: string }[] }).actors.map((a) => `${a.id}=${a.status}`);
    expect(await statuses()).toEqual(['BTCUSDT:mtf-v1=running', 'BTCUSDT:range-v1=disabled', 'ETHUSDT:range-v1=disabled']);
    r = await h.post('/symbols/BTCUSDT/disable', {});
    expect(r.body).toMatchObject({ actors: ['BTCUSDT:mtf-v1'] });
    r = await h.post('/symbols/ETHUSDT/enable', {});
    expect(r.body).toMatchObject({ actors: ['ETHUSDT:range-v1'] });
    await h.run(5_000);
    expect(await statuses()).toEqual(['BTCUSDT:mtf-v1=disabled', 'BTCUSDT:range-v1=disabled', 'ETHUSDT:range-v1=running']);
    expect((await h.get('/ready')).status).toBe(200);
    expect((await h.post('/presets/nope/enable', {})).status).toBe(404);
    expect((await h.post('/presets/range-v1/pause', {})).status).toBe(400);
    expect((await h.post('/symbols/btc/disable', {})).status).toBe(400);
  }, 60_000);
});
