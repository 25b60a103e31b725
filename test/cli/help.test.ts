import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/childEnv.ts';

/** `--help` of `npm run journal` and `npm run config:check`: exit 0 with usage; unknown options still exit 2. */
const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');

function run(script: string, args: string[]) {
  const clean = cleanEnv();
  const r = spawnSync(tsx, [join(root, script), ...args], { env: clean, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('--help', () => {
  it('npm run journal -- --help (and -h) prints the commands and options and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = run('src/journal/cli.ts', [flag]);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toContain('Usage: npm run journal -- export csv | backup | verify | prune | stats');
      for (const word of ['export csv', 'backup', 'verify', 'prune', 'stats', '--config FILE', '--db FILE', '--out FILE', '--days N', 'Exit codes']) expect(stdout).toContain(word);
    }
    // Help wins over a command: nothing is opened or written.
    expect(run('src/journal/cli.ts', ['backup', '--help']).code).toBe(0);
  });

  it('npm run journal with an unknown option still exits 2 with the usage', () => {
    const { code, stderr } = run('src/journal/cli.ts', ['stats', '--bogus', 'x']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown option --bogus');
    expect(stderr).toContain('Usage: npm run journal');
  });

  it('npm run config:check -- --help prints usage and exits 0; an unknown option exits 2', () => {
    const help = run('config/cli/check.ts', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run config:check -- [--config FILE]');
    expect(help.stdout).toContain('Exit codes');
    expect(help.stdout).not.toContain('actor(s)'); // it did not go on to check a configuration
    const bad = run('config/cli/check.ts', ['--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--bogus: unknown argument');
    expect(bad.stderr).toContain('Usage: npm run config:check');
  });
});
