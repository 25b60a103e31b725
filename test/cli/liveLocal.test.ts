import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/childEnv.ts';

/**
 * The LIVE code path (mode: live, system-level key checks, the Bybit adapter) without
 * touching Bybit: venue 'local' points it at the simulator server run as its own process,
 * exactly as `npm run exchange-sim` starts it.
 */
const root = resolve(import.meta.dirname, '../..');
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill('SIGKILL');
});

const env = (extra: Record<string, string>) => ({
  ...cleanEnv(),
  ...extra,
});

describe('live mode against a local simulator server', () => {
  it('starts LIVE through the adapter, trades, stops with exit 0; placeholder keys are refused', async () => {
    server = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/exchangeSim/cli.ts'), '--port', '0', '--speed', '300'], { cwd: root, env: env({}), stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const info = await new Promise<{ url: string; wsUrl: string }>((done, fail) => {
      const timer = setInterval(() => {
        const line = out.split('\n').find((l) => l.startsWith('{"url"'));
        if (line) {
          clearInterval(timer);
          done(JSON.parse(line) as { url: string; wsUrl: string });
        }
      }, 20);
      setTimeout(() => fail(new Error('simulator server did not start')), 20_000);
    });
    const dir = mkdtempSync(join(tmpdir(), 'bybot-live-'));
    const config = join(dir, 'live.yaml');
    writeFileSync(config, ['mode: live', 'exchange:', '  venue: local', `  restUrls: ["${info.url}"]`, `  wsUrl: "${info.wsUrl}"`, `journal: { dataDir: "${dir}" }`, 'http: { port: 0 }', 'log: { pretty: never }',
      // Entries on any scored signal, so the run below reaches its first entry soon whatever
      // the market does while it runs.
      'risk: { minScore: 0.1 }'].join('\n'));

    const refused = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts'), '--config', config], {
      cwd: root,
      env: env({ BYBIT_API_KEY: 'changeme', BYBIT_API_SECRET: 'bybot-sim-secret' }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/exchange\.apiKey: is a placeholder/);

    // Runs until its first entry order (or 75 s), then a SIGTERM asks for the graceful stop. A
    // fixed run time made the test depend on the hour: the server's market runs at 300x from
    // the wall clock, and in a quiet stretch 8 s (about 8 decisions per actor) made no entry.
    const live = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts'), '--config', config], {
      cwd: root,
      env: env({ BYBIT_API_KEY: 'bybot-sim-key', BYBIT_API_SECRET: 'bybot-sim-secret' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    live.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    live.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((done) => live.on('close', (code) => done(code)));
    const traded = await Promise.race([
      new Promise<boolean>((done) => {
        const finish = (ok: boolean): void => {
          clearInterval(poll);
          clearTimeout(limit);
          done(ok);
        };
        const poll = setInterval(() => {
          if (stdout.includes('"event":"order_submitted"')) finish(true);
        }, 50);
        const limit = setTimeout(() => finish(false), 75_000);
      }),
      closed.then(() => false),
    ]);
    live.kill('SIGTERM');
    const status = await closed;
    expect(stderr).not.toContain('bybot-sim-secret');
    expect(status, `exit ${status}; stderr: ${stderr.slice(-500)}`).toBe(0);
    expect(traded, 'no entry order within 75 s').toBe(true);
    expect(stdout).toContain('"mode":"LIVE"');
    expect(stdout).toContain('"event":"reconciled"');
    expect(stdout).toContain('"event":"order_submitted"');
    expect(stdout).toContain('"event":"shutdown"');
    process.stdout.write(`liveLocal: ${stdout.split('"event":"order_submitted"').length - 1} orders submitted\n`);
    expect(stdout).not.toContain('bybot-sim-secret');
  }, 150_000);
});
