import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * The webhook channel: each alert change is a JSON POST signed with HMAC-SHA256 over the
 * body; a loopback receiver checks the signature. Failed deliveries are retried with
 * backoff; a delivery still pending when the bot stops stays in the journal and is made
 * by the next run.
 */
const SECRET = 'webhook-secret-for-tests-0123456789';

interface Received {
  readonly body: Record<string, unknown>;
  readonly valid: boolean;
}

let server: Server;
let url = '';
let failNext = 0;
const received: Received[] = [];
let attempts = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts++;
      const raw = Buffer.concat(chunks).toString('utf8');
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      const expected = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
      received.push({ body: JSON.parse(raw) as Record<string, unknown>, valid: req.headers['x-bybot-signature'] === expected && req.headers['content-type'] === 'application/json' });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const settings = (dataDir: string) => ({
  journal: { dataDir },
  alerts: { webhook: { url, secret: SECRET }, delivery: { retryBaseMs: 50, retryMaxMs: 200 } },
});
const waitUntil = async (check: () => boolean, ms = 10_000) => {
  const end = performance.now() + ms;
  while (!check() && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
  return check();
};

describe('webhook alert channel', () => {
  let h: AppHarness | undefined;
  afterAll(async () => h?.app.stop());

  it('POSTs each alert change signed with HMAC-SHA256, retrying a failing receiver', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bybot-webhook-'));
    h = await startTestApp(settings(dataDir));
    await h.run(5 * 60_000, 5_000);
    failNext = 2;
    expect((await h.post('/control/halt', { reason: 'webhook test' })).status).toBe(202);
    await h.run(5_000);
    expect(await waitUntil(() => received.some((r) => r.body.key === 'escalation:halt'))).toBe(true);
    const halt = received.find((r) => r.body.key === 'escalation:halt')!;
    expect(halt.valid).toBe(true);
    expect(halt.body).toMatchObject({ change: 'raised', priority: 'P1', source: 'escalation', title: 'Emergency stop: trading HALTED' });
    expect(String(halt.body.text)).toContain('[P1] Emergency stop: trading HALTED');
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(h.logs.filter((l) => l.event === 'alert_delivery_failed' && l.channel === 'webhook').length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(h.logs)).not.toContain(SECRET);
    const metrics = (await h.get('/metrics')).text;
    expect(metrics).toMatch(/bybot_alert_deliveries_total\{channel="webhook",result="delivered"\} [1-9]/);
    // The operator's resume resolves it.
    expect((await h.post('/control/resume', {})).status).toBe(202);
    await h.run(5_000);
    expect(await waitUntil(() => received.some((r) => r.body.key === 'escalation:halt' && r.body.change === 'resolved'))).toBe(true);
  }, 60_000);

  it('a delivery still failing at shutdown stays in the journal and is made by the next run', async () => {
    await h?.app.stop();
    const dataDir = mkdtempSync(join(tmpdir(), 'bybot-webhook-'));
    h = await startTestApp(settings(dataDir));
    await h.run(5 * 60_000, 5_000);
    failNext = 1_000_000;
    received.length = 0;
    expect((await h.post('/control/halt', { reason: 'receiver is down' })).status).toBe(202);
    await h.run(5_000);
    expect(await waitUntil(() => h!.logs.some((l) => l.event === 'alert_delivery_failed'))).toBe(true);
    await h.app.stop();
    const db = new Database(join(dataDir, 'bybot.db'), { readonly: true });
    const pending = db.prepare(`SELECT d.status, e.alert_key FROM alert_deliveries d JOIN alert_events e ON e.id = d.event_id WHERE d.channel = 'webhook'`).all() as { status: string; alert_key: string }[];
    db.close();
    expect(pending).toContainEqual({ status: 'pending', alert_key: 'escalation:halt' });

    failNext = 0;
    h = await startTestApp(settings(dataDir));
    expect(await waitUntil(() => received.some((r) => r.body.key === 'escalation:halt' && r.body.change === 'raised'))).toBe(true);
    expect(received.every((r) => r.valid)).toBe(true);
    expect(await waitUntil(() => h!.app.cockpit.delivery.pendingCount() === 0)).toBe(true);
    expect(((await h.get('/alerts')).body as { deliveries: { byStatus: Record<string, number> } }).deliveries.byStatus.delivered).toBeGreaterThanOrEqual(1);
  }, 60_000);
});

describe('cockpit journal retention', () => {
  it('removes old alert changes with their settled deliveries and old reloads, never a pending delivery', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bybot-retention-'));
    const h = await startTestApp({ journal: { dataDir } });
    try {
      const store = h.app.cockpit.store!;
      const change = (at: number, key: string) => ({ type: 'raised' as const, at, note: '', newOccurrences: 1, alert: { key, priority: 'P2' as const, source: 't', title: key, message: '', kind: 'event' as const, count: 1, firstAt: at, lastAt: at, resolvedAt: null } });
      const delivered = store.recordAlert(change(1_000, 'old-delivered'), 't', [{ channel: 'webhook', target: 'x' }], 0);
      store.recordAlert(change(1_000, 'old-pending'), 't', [{ channel: 'webhook', target: 'x' }], 0);
      store.recordAlert(change(9_000, 'recent'), 't', [], 0);
      const pending = store.pendingDeliveries();
      store.markDelivered(pending.find((d) => d.event.id === delivered)!.id, 1, 0);
      store.recordReload({ at: 1_000, trigger: 't', result: 'applied', versionBefore: 'a', versionAfter: 'b', changes: [], message: '' });
      expect(store.prune(5_000)).toEqual({ alert_deliveries: 1, alert_events: 1, config_reloads: 1 });
      expect(store.recentAlertEvents(10).map((e) => e.alert.key).sort()).toEqual(['old-pending', 'recent']);
    } finally {
      await h.app.stop();
    }
  });
});
