import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/childEnv.ts';

/** The real entry points as a user runs them: exit codes and output, in a child process. */
const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'bybot-cli-'));
const SECRET = 'Zq8Wx3Ty6Ui9Op2As5Df8Gh1Jk4Lz7Xc0Vb';

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const clean = cleanEnv();
  const result = spawnSync(tsx, [join(root, script), ...args], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('npm start / config:check exit codes', () => {
  it('a bad config file exits 2 with one line per bad path', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'mode: paper\nhttp:\n  port: -1\nbreaker:\n  openMs: soon\nunknownTopLevel: 1\n');
    for (const script of ['src/main.ts', 'config/cli/check.ts']) {
      const { code, out } = run(script, ['--config', path]);
      expect(code).toBe(2);
      expect(out).toContain('configuration invalid (4 problems)');
      for (const p of ['mode:', 'http.port:', 'breaker.openMs:', 'unknownTopLevel: unknown key']) expect(out).toContain(`  ${p}`);
    }
  });

  it('a live config with a placeholder key is refused and the secret appears in no output', () => {
    const path = join(dir, 'live.yaml');
    writeFileSync(path, `mode: live\nexchange:\n  apiKey: your_api_key\n  apiSecret: ${SECRET}\n`);
    const { code, out } = run('src/main.ts', ['--config', path]);
    expect(code).toBe(2);
    expect(out).toMatch(/exchange\.apiKey: .*placeholder/);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain('your_api_key');
  });

  it('the secret from the environment never reaches the output of config:check', () => {
    const { code, out } = run('config/cli/check.ts', [], { DRY_RUN: 'false', BYBIT_API_KEY: 'changeme', BYBIT_API_SECRET: SECRET });
    expect(code).toBe(2);
    expect(out).not.toContain(SECRET);
  });

  it('config:check accepts the defaults and lists the actors', () => {
    const { code, out } = run('config/cli/check.ts', []);
    expect(code).toBe(0);
    expect(out).toContain('9 actor(s)');
  });

  it('a non-loopback http.host without a control token and a read token is refused (live and dry-run)', () => {
    const path = join(dir, 'exposed.yaml');
    writeFileSync(path, 'mode: live\nexchange: { venue: testnet }\nhttp: { host: 0.0.0.0 }\n');
    const keys = { BYBIT_API_KEY: 'Ab12Cd34Ef56Gh78Ij', BYBIT_API_SECRET: SECRET };
    const live = run('config/cli/check.ts', ['--config', path], keys);
    expect(live.code).toBe(2);
    expect(live.out).toMatch(/http\.controlToken: required: http\.host 0\.0\.0\.0 is not a loopback address/);
    expect(live.out).toMatch(/http\.readToken: required/);
    writeFileSync(path, 'http: { host: 0.0.0.0 }\n');
    expect(run('config/cli/check.ts', ['--config', path]).code).toBe(2);
    const control = 'c0ntrol-token-from-a-secret-0123456789';
    const read = 'read-token-from-a-secret-0123456789';
    const ok = run('config/cli/check.ts', ['--config', path], { BYBOT_HTTP_CONTROL_TOKEN: control, BYBOT_HTTP_READ_TOKEN: read });
    expect(ok.code).toBe(0);
    expect(ok.out).not.toContain(control);
    expect(ok.out).not.toContain(read);
  });

  it('bad command-line arguments exit 2 with usage', () => {
    const { code, out } = run('src/main.ts', ['--duration', 'forever']);
    expect(code).toBe(2);
    expect(out).toContain('--duration');
    expect(out).toContain('Usage: npm start');
  });
});
