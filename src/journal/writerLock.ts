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

/** Who holds the journal lock, or null when nobody (or a dead process) does. */
export function writerLockHolder(dbPath: string): number | null {
  try {
    const holder = Number.parseInt(readFileSync(`${dbPath}.lock`, 'utf8').trim(), 10);
    return Number.isInteger(holder) && alive(holder) ? holder : null;
  } catch {
    return null;
  }
}

export interface WaitForLockOptions {
  readonly signal?: AbortSignal;
  /** How often the lock is tried (real ms). */
  readonly pollMs?: number;
  /** Called once per holder while waiting (for the standby's log line and /ready). */
  readonly onHolder?: (pid: number) => void;
}

/**
 * A standby's wait for the writer lock: tries every `pollMs` until the holder released it
 * (a handover, a stop) or died (a crash: its stale lock is taken over). Rejects with the
 * signal's reason when aborted.
 */
export async function waitForWriterLock(dbPath: string, options: WaitForLockOptions = {}): Promise<WriterLock> {
  const pollMs = options.pollMs ?? 50;
  let lastHolder: number | null = null;
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason;
    try {
      return acquireWriterLock(dbPath);
    } catch (error) {
      const holder = (error as { details?: { pid?: unknown } }).details?.pid;
      if (typeof holder !== 'number') throw error;
      if (holder !== lastHolder) {
        lastHolder = holder;
        options.onHolder?.(holder);
      }
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      options.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}
