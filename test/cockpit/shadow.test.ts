import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShadowReport } from '../../src/control/shadow/shadowReport.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * The shadow phase end to end: POST /config/reload?shadow=PT2H runs the changed preset
 * (and an added one) on paper beside the live actors, on the same market data, without a
 * single order on the exchange; GET /shadow compares decisions and paper PnL; promote
 * applies the candidate, rollback keeps the live configuration, and an unattended shadow
 * expires.
 */
let h: AppHarness;
const file = join(mkdtempSync(join(tmpdir(), 'bybot-shadow-')), 'bybot.yaml');
const yaml = (rangeParams: string, extraPreset = '') => `
strategies:
  - { id: range-v1, type: range, symbols: [BTCUSDT, ETHUSDT, SOLUSDT], params: ${rangeParams} }
  - { id: mtf-v1, type: multiTimeframe, symbols: [BTCUSDT] }
${extraPreset}`;
const LIVE = '{ adxMax: 32 }';
const CANDIDATE = '{ adxMax: 40, minRewardRisk: 1.2, entryZone: 0.15 }';
const ADDED = '  - { id: vwap-v2, type: volumeVwap, symbols: [ETHUSDT], params: { deviationStd: 1.5 } }';
/** orderLinkIds the simulated exchange received. */
const exchangeOrders: string[] = [];

beforeAll(async () => {
  writeFileSync(file, yaml(LIVE));
  h = await startTestApp({}, { configFile: file });
  const engine = h.app.simulator!.engine;
  const place = engine.placeOrder.bind(engine);
  engine.placeOrder = (request) => {
    exchangeOrders.push(request.orderLinkId ?? '');
    return place(request);
  };
  await h.run(60 * 60_000, 5_000);
}, 60_000);

afterAll(async () => {
  await h?.app.stop();
});

const shadow = async () => (await h.get('/shadow')).body as ShadowReport & { error?: unknown };
const params = async (id: string) => ((await h.get(`/actors/${id}`)).body as { params: Record<string, unknown> }).params;

describe('shadow phase', () => {
  it('runs the changed and added presets on paper beside the live ones, with no order on the exchange', async () => {
    expect((await h.get('/shadow')).status).toBe(404);
    writeFileSync(file, yaml(CANDIDATE, ADDED));
    const started = await h.post('/config/reload?shadow=PT6H');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ result: 'shadow' });
    // Live trading is unchanged, and nothing else can be reloaded meanwhile.
    expect((await params('BTCUSDT:range-v1')).adxMax).toBe(32);
    expect((await h.get('/actors/ETHUSDT:vwap-v2')).status).toBe(404);
    expect((await h.post('/config/reload')).status).toBe(409);

    const liveOrdersBefore = exchangeOrders.length;
    await h.run(4 * 60 * 60_000, 5_000);
    const report = await shadow();
    expect(report).toMatchObject({ active: true, outcome: 'running', removedPresets: [] });
    expect(report.presets.map((p) => [p.preset, p.status])).toEqual([['range-v1', 'changed'], ['vwap-v2', 'added']]);
    const range = report.presets[0]!;
    expect(range.candidateParams).toMatchObject({ adxMax: 40, entryZone: 0.15 });
    expect(range.currentParams).toMatchObject({ adxMax: 32 });
    for (const s of range.symbols) {
      expect(s.candidate.evaluations).toBeGreaterThan(20);
      expect(s.baseline!.evaluations).toBe(s.candidate.evaluations);
      expect(s.live!.evaluations).toBeGreaterThan(20);
      expect(s.agreement!.compared).toBeGreaterThan(20);
    }
    // The candidate takes more entries than the baseline (looser filters) and they are on paper only.
    const entries = (v: 'candidate' | 'baseline') => range.symbols.reduce((n, s) => n + s[v]!.entries, 0);
    expect(entries('candidate')).toBeGreaterThan(entries('baseline'));
    const paperFills = range.symbols.reduce((n, s) => n + s.candidate.fills, 0);
    expect(paperFills).toBeGreaterThan(0);
    expect(range.candidate.trades + range.candidate.openPositions).toBeGreaterThan(0);
    expect(report.presets[1]!.symbols[0]!.baseline).toBeNull();
    console.log(JSON.stringify({ shadow: { candidate: range.candidate, baseline: range.baseline, agreement: range.symbols.map((s) => `${s.symbol} ${s.agreement!.same}/${s.agreement!.compared}`) } }));
    // Every order the exchange received in the meantime is a live order of the journal.
    const db = new Database(join(h.app.config.journal.dataDir, 'bybot.db'), { readonly: true });
    const journaled = new Set((db.prepare('SELECT order_link_id FROM orders').all() as { order_link_id: string }[]).map((r) => r.order_link_id));
    db.close();
    const during = exchangeOrders.slice(liveOrdersBefore);
    for (const id of during) expect(journaled.has(id)).toBe(true);
    const liveOrdersLogged = h.logs.filter((l) => l.event === 'order').length;
    expect(exchangeOrders.length).toBe(liveOrdersLogged);
  }, 120_000);

  it('promote applies the candidate: the changed actors restart with it, the added preset starts', async () => {
    const r = await h.post('/config/promote');
    expect(r).toMatchObject({ status: 200, body: { result: 'promoted' } });
    await h.run(20 * 60_000, 5_000);
    expect(await params('SOLUSDT:range-v1')).toMatchObject({ adxMax: 40, entryZone: 0.15 });
    expect(((await h.get('/actors/ETHUSDT:vwap-v2')).body as { status: string }).status).toBe('running');
    expect(await shadow()).toMatchObject({ active: false, outcome: 'promoted' });
    expect((await h.post('/config/promote')).status).toBe(409);
  }, 60_000);

  it('rollback ends a shadow run and keeps the live configuration; an unattended one expires', async () => {
    writeFileSync(file, yaml('{ adxMax: 26 }', ADDED));
    expect((await h.post('/config/reload?shadow=PT1H')).status).toBe(202);
    await h.run(20 * 60_000, 5_000);
    expect(await h.post('/config/rollback')).toMatchObject({ status: 200, body: { result: 'rolled_back' } });
    expect(await shadow()).toMatchObject({ active: false, outcome: 'rolled_back' });
    await h.run(10 * 60_000, 5_000);
    expect((await params('BTCUSDT:range-v1')).adxMax).toBe(40);

    expect((await h.post('/config/reload?shadow=PT30M')).status).toBe(202);
    await h.run(35 * 60_000, 5_000);
    expect(await shadow()).toMatchObject({ active: false, outcome: 'expired' });
    expect(h.logs.some((l) => l.event === 'config_reload' && l.result === 'expired')).toBe(true);
    expect((await params('BTCUSDT:range-v1')).adxMax).toBe(40);
    expect((await h.post('/config/reload?shadow=soon')).status).toBe(400);
    // Nothing to compare when no preset changed.
    writeFileSync(file, `${yaml(CANDIDATE, ADDED)}\nalerts: { thresholds: { rssMb: 900 } }\n`);
    expect(await h.post('/config/reload?shadow=PT1H')).toMatchObject({ status: 400, body: { result: 'invalid', message: expect.stringContaining('nothing to shadow') } });
  }, 60_000);
});
