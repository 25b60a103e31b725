import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireWriterLock } from '../../src/journal/writerLock.ts';
import { JournalFailedError } from '../../src/journal/errors.ts';

describe('journal writer lock', () => {
  it('refuses a second writer while the first one lives, and frees the file on release', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'bybot-lock-')), 'j.db');
    const lock = acquireWriterLock(db);
    // Another live process (our parent) "holds" it: a second bot must be refused.
    writeFileSync(`${db}.lock`, `${process.ppid}\n`);
    expect(() => acquireWriterLock(db)).toThrow(JournalFailedError);
    expect(() => acquireWriterLock(db)).toThrow(/in use by another bot \(pid \d+\)/);
    writeFileSync(`${db}.lock`, `${process.pid}\n`);
    lock.release();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('takes over a lock left by a process that is gone (SIGKILL)', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'bybot-lock-')), 'j.db');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${db}.lock`, `${dead.stdout}\n`);
    const lock = acquireWriterLock(db);
    lock.release();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });
});
