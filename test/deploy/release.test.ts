import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/childEnv.ts';

/**
 * The release pipeline's control flow, through deploy/release.sh as an operator runs it:
 * the steps run in order, each one JSON line, and the first failure ends the release naming
 * its step before anything is started (the install and test commands are the release's
 * own: here stand-ins that succeed or fail). The full path up to promote is the blue/green
 * handover of test/deploy/handover.test.ts plus `npm run smoke` (test/deploy/smoke.test.ts).
 */
const root = resolve(import.meta.dirname, '../..');
const env = cleanEnv();

function release(args: string[]): { status: number | null; lines: Record<string, unknown>[]; stderr: string } {
  const r = spawnSync(join(root, 'deploy/release.sh'), args, { cwd: tmpdir(), env, encoding: 'utf8', timeout: 120_000 });
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.status, lines, stderr: r.stderr };
}

describe('deploy/release.sh (npm run deploy -- release)', () => {
  it('stops at the first failing step, names it, and starts nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-release-'));
    const config = join(dir, 'bot.yaml');
    writeFileSync(config, `journal: { dataDir: ${JSON.stringify(join(dir, 'data'))} }\n`);
    const r = release([config, root, '--install-command', 'true', '--test-command', 'echo 3 failed; exit 1']);
    expect(r.status, r.stderr).toBe(1);
    const steps = r.lines.filter((l) => l.release).map((l) => l.release as { step: string; ok: boolean; note: string });
    expect(steps.map((s) => `${s.step}:${s.ok}`)).toEqual(['install:true', 'test:false']);
    expect(steps[1]!.note).toContain('3 failed');
    expect(r.lines.at(-1)).toMatchObject({ releaseDone: { ok: false, failedStep: 'test', promote: null } });
  }, 150_000);

  it('refuses missing arguments and a missing configuration with exit 2', () => {
    expect(release([]).status).toBe(2);
    const missing = release([join(tmpdir(), 'no-such-bybot.yaml'), root]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no configuration file');
  }, 60_000);
});
