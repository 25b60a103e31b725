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
      // Entries on any scored signal: the 8 s run must trade whatever the market does while it
      // runs (the server's market runs at 300x from the wall clock, and on a loaded machine the
      // actors decide fewer times; at the default minScore a CI run once made no entry).
      'risk: { minScore: 0.1 }'].join('\n'));

    const refused = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts'), '--config', config], {
      cwd: root,
      env: env({ BYBIT_API_KEY: 'changeme', BYBIT_API_SECRET: 'bybot-sim-secret' }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/exchange\.apiKey: is a placeholder/);

    const live = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts'), '--config', config, '--duration', '8s'], {
      cwd: root,
      env: env({ BYBIT_API_KEY: 'bybot-sim-key', BYBIT_API_SECRET: 'bybot-sim-secret' }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(live.status).toBe(0);
    expect(live.stdout).toContain('"mode":"LIVE"');
    expect(live.stdout).toContain('"event":"reconciled"');
    expect(live.stdout).toContain('"event":"order_submitted"');
    process.stdout.write(`liveLocal: ${live.stdout.split('"event":"order_submitted"').length - 1} orders submitted\n`);
    expect(live.stdout).not.toContain('bybot-sim-secret');
  }, 90_000);
});
