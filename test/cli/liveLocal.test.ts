import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/childEnv.ts';
import { startTsx, waitForOutput } from '../support/childProcess.ts';

/**
 * The LIVE code path (mode: live, system-level key checks, the Bybit adapter) without
 * touching Bybit: venue 'local' points it at the simulator server run as its own process,
 * exactly as `npm run exchange-sim` starts it.
 */
const root = resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

const env = (extra: Record<string, string>) => ({
  ...cleanEnv(),
  ...extra,
});

describe('live mode against a local simulator server', () => {
  it('starts LIVE through the adapter, trades, stops with exit 0; placeholder keys are refused', async () => {
    const server = startTsx([join(root, 'src/exchangeSim/cli.ts'), '--port', '0', '--speed', '300'], { cwd: root, env: env({}) }, children);
    await waitForOutput(server, (o) => o.includes('"wsUrl"'), 20_000);
    const info = JSON.parse(server.out.split('\n').find((l) => l.startsWith('{"url"'))!) as { url: string; wsUrl: string };
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
    const live = startTsx([join(root, 'src/main.ts'), '--config', config], { cwd: root, env: env({ BYBIT_API_KEY: 'bybot-sim-key', BYBIT_API_SECRET: 'bybot-sim-secret' }) }, children);
    try {
      await waitForOutput(live, (o) => o.includes('"event":"order_submitted"'), 75_000);
    } finally {
      live.child.kill('SIGTERM');
    }
    const { code } = await live.exited;
    expect(code, live.out.slice(-500)).toBe(0);
    expect(live.out).toContain('"mode":"LIVE"');
    expect(live.out).toContain('"event":"reconciled"');
    expect(live.out).toContain('"event":"order_submitted"');
    expect(live.out).toContain('"event":"shutdown"');
    process.stdout.write(`liveLocal: ${live.out.split('"event":"order_submitted"').length - 1} orders submitted\n`);
    expect(live.out).not.toContain('bybot-sim-secret');
  }, 150_000);
});
