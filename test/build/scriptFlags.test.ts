import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nodeFlagsOf, nodeFlagsOfScript, parseNodeCommand } from '../../src/build/scriptFlags.ts';

describe('nodeFlagsOf', () => {
  it('returns the flags between node and the file', () => {
    expect(nodeFlagsOf('node dist/x.mjs')).toEqual([]);
    expect(nodeFlagsOf('node --a=1  --b dist/x.mjs')).toEqual(['--a=1', '--b']);
    expect(parseNodeCommand('node --a=1 dist/x.mjs')).toEqual({ flags: ['--a=1'], file: 'dist/x.mjs' });
  });

  it('refuses a script that is not a plain node command', () => {
    expect(() => nodeFlagsOf('tsx src/x.ts')).toThrow(/not a plain node command/);
    expect(() => nodeFlagsOf('node')).toThrow(/not a plain node command/);
    expect(() => nodeFlagsOf('node -r x dist/x.mjs')).toThrow(/\(-r\)/);
  });
});

describe('npm run backtest', () => {
  it('gives node a larger young generation, and node accepts the flags the bench copies', () => {
    const flags = nodeFlagsOfScript('backtest');
    expect(flags).toContain('--max-semi-space-size=128');
    const run = spawnSync(process.execPath, [...flags, '-e', '0'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
  });

  it('names a missing script', () => {
    expect(() => nodeFlagsOfScript('no-such-script')).toThrow(/no script "no-such-script"/);
  });
});
