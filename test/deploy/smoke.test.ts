import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/childEnv.ts';

/**
 * `npm run smoke` (the release pipeline's smoke step) and the deploy CLI's refusals: the
 * smoke run takes the new version's configuration, runs it against the simulator with no
 * keys and a temporary journal, and passes only when it started, reconciled, became ready,
 * ran every actor and stopped cleanly; promote refuses when nobody trades or nobody waits.
 */
const root = resolve(import.meta.dirname, '../..');
const env = cleanEnv();
const run = (script: string, args: string[], timeout = 120_000) => spawnSync(process.execPath, ['--import', 'tsx', join(root, script), ...args], { cwd: root, env, encoding: 'utf8', timeout });

describe('npm run smoke', () => {
  it('passes on the example configuration (live keys and secrets provider ignored: simulator, temporary journal)', () => {
    const r = run('src/deploy/smoke.ts', ['--config', join(root, 'config/example.yaml'), '--duration', '60s']);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const { smoke } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { smoke: { ok: boolean; checks: Record<string, boolean>; iterations: number } };
    expect(smoke.ok).toBe(true);
    expect(smoke.checks).toEqual({ started: true, reconciled: true, ready: true, iterated: true, stoppedCleanly: true });
    expect(smoke.iterations).toBeGreaterThanOrEqual(9);
  }, 150_000);

  it('exits 2 on a configuration the new version cannot load, naming the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-smoke-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'risk:\n  maxOpenPositions: -1\n');
    const r = run('src/deploy/smoke.ts', ['--config', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('risk.maxOpenPositions');
  }, 60_000);
});

describe('npm run deploy -- promote / status', () => {
  it('promote refuses when no instance trades on the journal; status shows nobody', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-promote-'));
    const db = join(dir, 'bybot.db');
    const promote = run('src/deploy/cli.ts', ['promote', '--db', db]);
    expect(promote.status).toBe(1);
    expect(promote.stderr).toContain('no active instance runs on');
    const status = run('src/deploy/cli.ts', ['status', '--db', db]);
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout.trim())).toEqual({ status: { journal: db, lockHolder: null, active: null, standby: null } });
    const bad = run('src/deploy/cli.ts', ['launch']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown command launch');
  }, 90_000);
});
