import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stagingFileName } from '../../src/history/download/staging.ts';
import { tempDir } from './support.ts';
import { cleanEnv } from '../support/childEnv.ts';

/**
 * Acceptance: `npm run data -- download` against the simulator server running as its own
 * process (as `npm run exchange-sim` starts it). The download needs six pages; it is killed
 * with SIGKILL after two pages are staged, then run again: it recovers the staged pages,
 * fetches only the rest, and ends with exactly the candles an uninterrupted download gets,
 * no gap, a clean `check`, and not one 10006 (nor HTTP 403) from the server.
 */
const root = resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

const env = () => cleanEnv();

interface Proc {
  readonly child: ChildProcess;
  out: string;
  err: string;
  readonly done: Promise<number | null>;
}

function start(script: string, args: readonly string[]): Proc {
  // `node --import tsx` (not the tsx CLI, which forks): SIGKILL must hit the process doing the work.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, script), ...args], { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const p: Proc = { child, out: '', err: '', done: new Promise((r) => child.on('close', (code) => r(code))) };
  child.stdout!.on('data', (d: Buffer) => (p.out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (p.err += d.toString()));
  return p;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const data = (args: readonly string[]) => start('src/history/cli.ts', args);

describe('data download against the simulator server process', () => {
  it('pages, survives SIGKILL mid-way, resumes without refetching, ends with exactly the expected rows and 0 x 10006', { timeout: 180_000 }, async () => {
    const sim = start('src/exchangeSim/cli.ts', ['--port', '0', '--seed', '42', '--start', '2026-01-05T00:00:00Z', '--history-days', '5']);
    await until(() => sim.out.includes('"url"'), 30_000, 'the simulator server');
    const url = (JSON.parse(sim.out.split('\n')[0]!) as { url: string }).url;
    const faults = (body: object) => fetch(`${url}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => expect(r.status).toBe(200));

    // 4 days of 1-minute candles: 5760 = 6 pages. Slow the server down so the kill lands mid-way.
    const range = ['download', '--symbol', 'BTCUSDT', '--interval', '1', '--from', '2025-12-31T00:00:00Z', '--to', '2026-01-04T00:00:00Z', '--venue', 'local', '--rest-url', url];
    const dir = tempDir('bybot-dl-');
    const staging = join(dir, 'BTCUSDT', stagingFileName('1'));
    const PAGE_BYTES = (5 + 1000 * 7) * 8;
    await faults({ latencyMs: 400 });
    const first = data([...range, '--history-dir', dir]);
    await until(() => existsSync(staging) && statSync(staging).size >= 2 * PAGE_BYTES, 60_000, 'two staged pages');
    first.child.kill('SIGKILL');
    expect(await first.done).toBeNull();
    expect(first.err).toContain('page 1, 1000/5760 candles');
    await faults({ latencyMs: 0 });

    const second = data([...range, '--history-dir', dir]);
    expect(await second.done, second.err).toBe(0);
    const summary = (JSON.parse(second.out.trim().split('\n').at(-1)!) as { download: { recovered: number; fetched: number; pages: number; candles: { rows: number; gaps: number } } }).download;
    expect(summary.recovered).toBeGreaterThanOrEqual(2000);
    expect(summary.recovered).toBeLessThan(5760);
    expect(summary.recovered + summary.fetched).toBe(5760);
    expect(summary.pages).toBe(Math.ceil(summary.fetched / 1000));
    expect(summary.candles).toMatchObject({ rows: 5760, gaps: 0 });
    expect(existsSync(staging)).toBe(false);

    // The same range in one go, into another store: identical data file.
    const reference = tempDir('bybot-dl-ref-');
    const whole = data([...range, '--history-dir', reference]);
    expect(await whole.done, whole.err).toBe(0);
    const manifest = (d: string) => JSON.parse(readFileSync(join(d, 'BTCUSDT', 'manifest.json'), 'utf8')) as { candles: Record<string, { sha256: string; rows: number; from: number; to: number }>; funding: { rows: number } };
    expect(manifest(dir).candles['1']!.sha256).toBe(manifest(reference).candles['1']!.sha256);
    expect(manifest(dir).candles['1']).toMatchObject({ rows: 5760, from: Date.UTC(2025, 11, 31), to: Date.UTC(2026, 0, 4) - 60_000 });
    expect(manifest(dir).funding.rows).toBe(12);

    const list = data(['list', '--json', '--history-dir', dir]);
    expect(await list.done).toBe(0);
    expect((JSON.parse(list.out) as { series: unknown[] }).series).toEqual([
      { symbol: 'BTCUSDT', interval: '1', from: '2025-12-31T00:00:00.000Z', to: '2026-01-03T23:59:00.000Z', rows: 5760, gaps: 0, sources: ['bybit:local'], sha256: manifest(dir).candles['1']!.sha256 },
    ]);
    const check = data(['check', '--history-dir', dir]);
    expect(await check.done, check.out).toBe(0);
    expect(check.out).toContain('BTCUSDT candles 1 2025-12-31T00:00:00Z .. 2026-01-03T23:59:00Z, 5760 row(s): ok');

    const state = (await (await fetch(`${url}/__sim/state`)).json()) as { rateLimited: { retCode10006: number; http403: number } };
    expect(state.rateLimited).toEqual({ retCode10006: 0, http403: 0 });
    sim.child.kill('SIGTERM');
    await sim.done;
  });
});
