import { mkdtemp, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RestClientV5 } from 'bybit-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createFaultyLookup, loadScenario } from '../../src/exchangeSim/index.ts';
import { parseCliArgs } from '../../src/exchangeSim/cliArgs.ts';
import { KEY, MINUTE, SECRET, startFixture, type ServerFixture } from './fixture.ts';
import { until } from './helpers.ts';

async function klines(url: string, symbol: string, limit = 10): Promise<string[][]> {
  const body = (await (await fetch(`${url}/v5/market/kline?category=linear&symbol=${symbol}&interval=1&limit=${limit}`)).json()) as { result: { list: string[][] } };
  return body.result.list;
}

describe('exchange-sim wire faults', () => {
  let f: ServerFixture;
  let client: RestClientV5;
  beforeAll(async () => {
    f = await startFixture();
    client = new RestClientV5({ key: KEY, secret: SECRET, baseUrl: f.server.url });
  });
  afterAll(() => f.server.close());

  it('adds latency', async () => {
    f.server.faults.set({ latencyMs: 150 });
    const t0 = performance.now();
    expect((await client.getServerTime()).retCode).toBe(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    f.server.faults.set({ latencyMs: 0 });
  });

  it('answers HTTP 5xx at errorRate 1 (shared with the sim fault)', async () => {
    f.server.faults.set({ errorRate: 1 });
    expect(f.sim.faults.get().errorRate).toBe(1);
    await expect(client.getServerTime()).rejects.toMatchObject({ code: 503 });
    f.server.faults.set({ errorRate: 0 });
    expect((await client.getServerTime()).retCode).toBe(0);
  });

  it('hangs requests until the fault is cleared', async () => {
    f.server.faults.set({ hang: true });
    await expect(fetch(`${f.server.url}/v5/market/time`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    // Admin stays reachable while hung.
    expect((await fetch(`${f.server.url}/__sim/faults`)).status).toBe(200);
    const pending = fetch(`${f.server.url}/v5/market/time`);
    await new Promise((r) => setTimeout(r, 50));
    f.server.faults.set({ hang: false });
    expect((await pending).status).toBe(200);
  });

  it('refuses connections while down, and comes back', async () => {
    f.server.faults.set({ down: true });
    expect(f.sim.faults.get().down).toBe(true);
    // Let pooled keep-alive sockets see the server-side reset first (those fail UND_ERR_SOCKET).
    await new Promise((r) => setTimeout(r, 50));
    try {
      const refused = await fetch(`${f.server.url}/v5/market/time`).then(
        () => 'answered',
        (error: { cause?: { code?: string } }) => error.cause?.code,
      );
      expect(refused).toBe('ECONNREFUSED');
      const ws = new WebSocket(`${f.server.wsUrl}/v5/public/linear`);
      const wsError = await new Promise((resolve) => (ws.once('open', () => resolve('open')), ws.once('error', (e: { code?: string }) => resolve(e.code))));
      expect(wsError).toBe('ECONNREFUSED');
    } finally {
      f.server.faults.set({ down: false });
    }
    await new Promise((r) => setTimeout(r, 50));
    expect((await client.getServerTime()).retCode).toBe(0);
  });

  it('fails DNS for a configured host through createFaultyLookup', async () => {
    const lookup = createFaultyLookup({ 'api.bybit.local': '127.0.0.1' }, f.server.faults);
    const status = (): Promise<number> =>
      new Promise((resolve, reject) => {
        // agent false: a kept-alive socket would skip the lookup (the fault hits new connections only).
        get({ host: 'api.bybit.local', port: f.server.port, path: '/v5/market/time', lookup, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
    expect(await status()).toBe(200);
    f.server.faults.set({ dnsFailure: ['api.bybit.local'] });
    const failure = await status().then(
      () => 'resolved',
      (error: { code?: string }) => error.code,
    );
    f.server.faults.set({ dnsFailure: [] });
    expect(failure).toBe('ENOTFOUND');
  });

  it('storms: every request 10006, then every request HTTP 403', async () => {
    const counts = async () => ((await (await fetch(`${f.server.url}/__sim/state`)).json()) as { rateLimited: { retCode10006: number; http403: number } }).rateLimited;
    const before = await counts();
    f.server.faults.set({ rateLimitStorm: '10006' });
    const limited = await fetch(`${f.server.url}/v5/market/time`);
    expect(((await limited.json()) as { retCode: number }).retCode).toBe(10006);
    expect(Number(limited.headers.get('x-bapi-limit-reset-timestamp'))).toBeGreaterThan(Date.now() - 100);
    expect((await client.getWalletBalance({ accountType: 'UNIFIED' })).retCode).toBe(10006);
    f.server.faults.set({ rateLimitStorm: '403' });
    await expect(client.getServerTime()).rejects.toMatchObject({ code: 403 });
    f.server.faults.set({ rateLimitStorm: 'off' });
    expect(await counts()).toEqual({ retCode10006: before.retCode10006 + 2, http403: before.http403 + 1 });
  });

  it('rejects the key on private calls under authRejected, market data still works', async () => {
    f.server.faults.set({ authRejected: true });
    expect((await client.getWalletBalance({ accountType: 'UNIFIED' })).retCode).toBe(10003);
    expect((await client.getServerTime()).retCode).toBe(0);
    f.server.faults.set({ authRejected: false });
  });

  it('serves bad kline data per symbol on REST', async () => {
    const clean = await klines(f.server.url, 'ETHUSDT');
    const set = (kinds: Array<'nan' | 'zeroVolume' | 'flat' | 'outOfOrder' | 'gap' | 'duplicate'>) => f.server.faults.set({ badData: { ETHUSDT: kinds } });
    set(['nan']);
    const nan = await klines(f.server.url, 'ETHUSDT');
    expect(nan.filter((r) => r[4] === 'NaN')).toHaveLength(2);
    expect(nan[0]![4]).not.toBe('NaN'); // the forming candle is left alone
    set(['zeroVolume']);
    expect((await klines(f.server.url, 'ETHUSDT')).every((r) => r[5] === '0')).toBe(true);
    set(['flat']);
    expect((await klines(f.server.url, 'ETHUSDT')).every((r) => new Set(r.slice(1, 5)).size === 1)).toBe(true);
    set(['outOfOrder']);
    const swapped = (await klines(f.server.url, 'ETHUSDT')).map((r) => Number(r[0]));
    expect(swapped).not.toEqual([...swapped].sort((a, b) => b - a));
    set(['gap']);
    const gapped = (await klines(f.server.url, 'ETHUSDT')).map((r) => Number(r[0]));
    expect(gapped).toHaveLength(clean.length - 2);
    expect(gapped.some((s, i) => i > 0 && gapped[i - 1]! - s > MINUTE)).toBe(true);
    set(['duplicate']);
    const dup = (await klines(f.server.url, 'ETHUSDT')).map((r) => r[0]);
    expect(new Set(dup).size).toBe(dup.length - 1);
    set([]);
    f.server.faults.set({ nanCandles: ['ETHUSDT'] });
    expect((await klines(f.server.url, 'ETHUSDT')).filter((r) => r[4] === 'NaN')).toHaveLength(2);
    f.server.faults.set({ nanCandles: [] });
    // Other symbols are untouched throughout.
    expect((await klines(f.server.url, 'BTCUSDT')).some((r) => r[4] === 'NaN')).toBe(false);
  });

  it('goes silent on public WS topics while answering pings, and pushes bad data when asked', async () => {
    const ws = new WebSocket(`${f.server.wsUrl}/v5/public/linear`);
    const frames: Array<Record<string, unknown>> = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Record<string, unknown>));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ op: 'subscribe', args: ['kline.1.SOLUSDT'] }));
    await until(() => frames.some((m) => m['topic'] === 'kline.1.SOLUSDT'));
    f.server.faults.set({ wsSilent: true });
    const count = frames.length;
    await f.clock.advanceBy(3 * MINUTE);
    ws.send(JSON.stringify({ op: 'ping' }));
    await until(() => frames.some((m) => m['ret_msg'] === 'pong'));
    expect(frames.slice(count).filter((m) => m['topic'])).toEqual([]);

    f.server.faults.set({ wsSilent: false, badData: { SOLUSDT: ['nan', 'duplicate'] } });
    const before = frames.length;
    await f.clock.advanceBy(MINUTE);
    // The first confirm after the silence is the stale candle, then the new one: each duplicated.
    await until(() => frames.slice(before).filter((m) => m['topic'] && (m['data'] as Array<{ confirm: boolean }>)[0]!.confirm).length >= 2);
    const confirmed = frames.slice(before).filter((m) => m['topic'] && (m['data'] as Array<{ confirm: boolean }>)[0]!.confirm);
    expect(confirmed[0]).toEqual(confirmed[1]);
    expect((confirmed[0]!['data'] as Array<{ close: string }>)[0]!.close).toBe('NaN');
    f.server.faults.set({ badData: {} });
    ws.close();
  });
});

describe('exchange-sim scenario and admin API', () => {
  it('applies a scenario timeline on the sim clock', async () => {
    const f = await startFixture({ scenario: { faults: { latencyMs: 1 }, timeline: [{ atMs: 2 * MINUTE, set: { authRejected: true } }] } });
    try {
      expect(f.server.faults.get()).toMatchObject({ latencyMs: 1, authRejected: false });
      await f.clock.advanceBy(2 * MINUTE);
      expect(f.server.faults.get().authRejected).toBe(true);
    } finally {
      await f.server.close();
    }
  });

  it('serves /__sim/clock, /__sim/faults (with revertAfterMs) and validates patches', async () => {
    const f = await startFixture();
    try {
      const clock = (await (await fetch(`${f.server.url}/__sim/clock`)).json()) as Record<string, number>;
      expect(clock).toMatchObject({ now: f.clock.now(), speed: 0 });
      const post = (body: unknown) => fetch(`${f.server.url}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const res = await post({ wsSilent: true, revertAfterMs: 100 });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Record<string, unknown>)['wsSilent']).toBe(true);
      await until(() => f.server.faults.get().wsSilent === false, 2000);
      const bad = await post({ errorRate: 2 });
      expect(bad.status).toBe(400);
      expect((await post({ nope: 1 })).status).toBe(400);
      expect(f.server.faults.get().errorRate).toBe(0);
    } finally {
      await f.server.close();
    }
  });

  it('loads YAML scenarios and reports invalid ones by path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exchange-sim-'));
    const good = join(dir, 'good.yaml');
    await writeFile(good, 'faults:\n  latencyMs: 5\nlimits:\n  endpoints:\n    /v5/order/create: 2\ntimeline:\n  - atMs: 60000\n    set: { down: true }\n');
    const scenario = await loadScenario(good);
    expect(scenario.timeline[0]!.set).toEqual({ down: true });
    expect(scenario.limits.endpoints['/v5/order/create']).toBe(2);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ faults: { errorRate: 5 }, extra: 1 }));
    await expect(loadScenario(bad)).rejects.toThrow(/faults\.errorRate/);
  });

  it('validates CLI arguments', () => {
    expect(parseCliArgs([])).toMatchObject({ ok: true, args: { port: 18080, speed: 1, seed: 42, 'api-key': 'bybot-sim-key' } });
    expect(parseCliArgs(['--port', '0', '--speed', '300', '--start', '2026-01-01T00:00:00Z'])).toMatchObject({ ok: true, args: { port: 0, speed: 300 } });
    expect(parseCliArgs(['--port', 'x'])).toMatchObject({ ok: false });
    expect(parseCliArgs(['--speed', '0'])).toMatchObject({ ok: false });
    expect(parseCliArgs(['--start', 'yesterday'])).toMatchObject({ ok: false });
    expect(parseCliArgs(['--api-key', 'k'])).toMatchObject({ ok: false });
    expect(parseCliArgs(['--wat'])).toMatchObject({ ok: false });
  });
});
