import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { JournalFailedError } from './errors.ts';

/**
 * One writer per journal: a bot takes `<db>.lock` (holding its pid) while it runs. SQLite
 * would serialise two writers, but two bots trading the same account from one journal
 * would each believe its own view; refuse the second one instead. A lock left by a
 * process that no longer exists (a crash, SIGKILL) is taken over: crash-only restarts
 * must not need a human.
 */
export interface WriterLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireWriterLock(dbPath: string, pid = process.pid): WriterLock {
  const path = `${dbPath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${pid}\n`, { flag: 'wx' });
      return {
        release: () => {
          try {
            if (readFileSync(path, 'utf8').trim() === String(pid)) rmSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new JournalFailedError(`cannot create the journal lock ${path}: ${(error as Error).message}`, { cause: error });
      }
      const holder = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isInteger(holder) && holder !== pid && alive(holder)) {
        throw new JournalFailedError(`journal ${dbPath} is in use by another bot (pid ${holder}); one writer per journal`, { details: { lock: path, pid: holder } });
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new JournalFailedError(`could not take the journal lock ${path}`);
}
