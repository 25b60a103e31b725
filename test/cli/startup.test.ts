import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/childEnv.ts';

/**
 * Start-up (finding 4): every step is bounded and a failure names the step with a typed
 * code; a zero-length journal is refused unless `npm run journal -- init` created it.
 */
const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'bybot-startup-'));

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...cleanEnv(),
  BYBOT_LOG_PRETTY: 'never',
  ...extra,
});

/** Runs `npm start` (node --import tsx src/main.ts) and kills it after `limitMs` if it has not exited. */
function start(args: string[], extra: Record<string, string>, limitMs: number): Promise<{ code: number | null; out: string; ms: number }> {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts'), '--port', '0', '--exchange', 'inproc', ...args], { cwd: root, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out, ms: Date.now() - started });
    });
  });
}

const failure = (out: string) => out.split('\n').filter((l) => l.includes('"event":"startup_failed"')).map((l) => JSON.parse(l) as { code: string; step?: string; msg: string })[0];

let hung: Server | undefined;
const held: Socket[] = [];
afterAll(() => {
  for (const s of held) s.destroy();
  hung?.close();
});

describe('start-up steps', () => {
  it('journal.dataDir: /proc/self/nope fails at once with DATA_DIR_UNUSABLE naming the step (it used to hang forever)', async () => {
    const r = await start([], { BYBOT_JOURNAL_DATA_DIR: '/proc/self/nope' }, 20_000);
    expect(r.code).toBe(1);
    expect(failure(r.out)).toMatchObject({ code: 'DATA_DIR_UNUSABLE', step: 'dataDir' });
    expect(failure(r.out)!.msg).toContain('/proc/self/nope');
  }, 30_000);

  it('a dataDir under a regular file exits 1 with DATA_DIR_UNUSABLE, not UNEXPECTED', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = await start([], { BYBOT_JOURNAL_DATA_DIR: join(file, 'data') }, 20_000);
    expect(r.code).toBe(1);
    expect(failure(r.out)).toMatchObject({ code: 'DATA_DIR_UNUSABLE', step: 'dataDir' });
    expect(failure(r.out)!.msg).toMatch(/not a directory/);
  }, 30_000);

  it('a step that does not answer fails with STARTUP_TIMEOUT naming it, within startup.deadlineMs', async () => {
    // A "simulator server" that accepts connections and never answers.
    hung = createServer((socket) => void held.push(socket));
    await new Promise<void>((r) => hung!.listen(0, '127.0.0.1', () => r()));
    const port = (hung.address() as { port: number }).port;
    const r = await start([], {
      BYBOT_JOURNAL_DATA_DIR: join(dir, 'hung'),
      BYBOT_EXCHANGE_VENUE: 'local',
      BYBOT_EXCHANGE_REST_URLS: `["http://127.0.0.1:${port}"]`,
      BYBOT_EXCHANGE_WS_URL: `ws://127.0.0.1:${port}`,
      BYBIT_API_KEY: 'bybot-sim-key',
      BYBIT_API_SECRET: 'bybot-sim-secret',
      BYBOT_STARTUP_DEADLINE_MS: '2000',
    }, 30_000);
    expect(r.code).toBe(1);
    expect(failure(r.out)).toMatchObject({ code: 'STARTUP_TIMEOUT', step: 'exchange.connect' });
    expect(r.ms).toBeLessThan(15_000);
  }, 40_000);

  it('a busy HTTP port gives one clear error before anything connects (no [object Object] lines)', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    const r = await new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts'), '--port', String(port)], { cwd: root, env: env({ BYBOT_JOURNAL_DATA_DIR: join(dir, 'busy') }), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code) => done({ code, out }));
    });
    taken.close();
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('[object Object]');
    expect(r.out).not.toContain('"level":"warn"');
    expect(failure(r.out)).toMatchObject({ code: 'PORT_IN_USE' });
    expect(failure(r.out)!.msg).toContain(`http.port ${port} on 127.0.0.1 is in use`);
  }, 30_000);

  it('a zero-length journal file is refused like a corrupt one; npm run journal -- init creates a usable one', async () => {
    const data = join(dir, 'empty');
    mkdirSync(data);
    writeFileSync(join(data, 'bybot.db'), '');
    const refused = await start(['--duration', '3s'], { BYBOT_JOURNAL_DATA_DIR: data }, 30_000);
    expect(refused.code).toBe(1);
    expect(failure(refused.out)).toMatchObject({ code: 'JOURNAL_CORRUPT', step: 'journal.open' });
    expect(failure(refused.out)!.msg).toContain('npm run journal -- init');

    const init = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/journal/cli.ts'), 'init'], { cwd: root, env: env({ BYBOT_JOURNAL_DATA_DIR: data }), encoding: 'utf8' });
    expect(init.status).toBe(0);
    expect(statSync(join(data, 'bybot.db')).size).toBeGreaterThan(0);
    const again = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/journal/cli.ts'), 'init'], { cwd: root, env: env({ BYBOT_JOURNAL_DATA_DIR: data }), encoding: 'utf8' });
    expect(again.status).toBe(2); // never over an existing journal

    const ok = await start(['--duration', '3s'], { BYBOT_JOURNAL_DATA_DIR: data }, 40_000);
    expect(ok.out).toContain('"event":"journal_opened"');
    expect(ok.code).toBe(0);
  }, 90_000);
});
