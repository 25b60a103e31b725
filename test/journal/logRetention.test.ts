import { existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneLogFiles } from '../../src/journal/logRetention.ts';

describe('log file retention', () => {
  it('removes *.log files older than the cutoff and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-logs-'));
    const now = Date.now();
    const old = now - 100 * 86_400_000;
    for (const name of ['old.log', 'new.log', 'old.txt']) writeFileSync(join(dir, name), 'x');
    utimesSync(join(dir, 'old.log'), old / 1000, old / 1000);
    utimesSync(join(dir, 'old.txt'), old / 1000, old / 1000);
    expect(pruneLogFiles(dir, now - 90 * 86_400_000)).toBe(1);
    expect([existsSync(join(dir, 'old.log')), existsSync(join(dir, 'new.log')), existsSync(join(dir, 'old.txt'))]).toEqual([false, true, true]);
    expect(pruneLogFiles(join(dir, 'missing'), now)).toBe(0);
  });
});
