import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Atomic multi-file updates of one symbol directory. A write never edits a file in place:
 *   1. every new file is written as `<name>.tmp` and fsynced;
 *   2. `commit.pending` (the list of renames plus the new manifest text) is written and fsynced:
 *      from here on the update is decided;
 *   3. the files are renamed over the old ones, the manifest last (each rename is atomic);
 *   4. `commit.pending` is removed.
 * A process killed anywhere leaves either the old state (before 2: the `.tmp` files are
 * garbage and are removed) or a pending commit that `recoverCommit` finishes (after 2). So
 * a reader only ever sees complete files, and the manifest never describes a file that
 * is not there.
 */
export const MANIFEST = 'manifest.json';
const PENDING = 'commit.pending';
const TMP = '.tmp';

export interface CommitFile {
  /** File name inside the symbol directory. */
  readonly name: string;
  readonly bytes: Uint8Array | string;
}

function writeDurably(path: string, bytes: Uint8Array | string): void {
  const fd = openSync(path, 'w');
  try {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(dir: string): void {
  // Makes the renames themselves durable; some platforms cannot open a directory: best effort.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not supported here */
  }
}

interface PendingCommit {
  readonly names: string[];
  readonly manifest: string;
}

function finish(dir: string, pending: PendingCommit): void {
  for (const name of pending.names) {
    const tmp = join(dir, name + TMP);
    if (existsSync(tmp)) renameSync(tmp, join(dir, name));
  }
  const manifestTmp = join(dir, MANIFEST + TMP);
  writeDurably(manifestTmp, pending.manifest);
  renameSync(manifestTmp, join(dir, MANIFEST));
  syncDir(dir);
  rmSync(join(dir, PENDING), { force: true });
  syncDir(dir);
}

/** Writes `files` and the manifest text as one atomic update of `dir`. */
export function commit(dir: string, files: readonly CommitFile[], manifest: string): void {
  for (const f of files) writeDurably(join(dir, f.name + TMP), f.bytes);
  const pending: PendingCommit = { names: files.map((f) => f.name), manifest };
  writeDurably(join(dir, PENDING), JSON.stringify(pending));
  syncDir(dir);
  finish(dir, pending);
}

export type RecoveryOutcome = 'clean' | 'rolled-forward' | 'rolled-back';

/** Finishes or discards what a killed writer left in `dir`; call with the symbol's lock held. */
export function recoverCommit(dir: string): RecoveryOutcome {
  if (!existsSync(dir)) return 'clean';
  const pendingPath = join(dir, PENDING);
  let outcome: RecoveryOutcome = 'clean';
  if (existsSync(pendingPath)) {
    let pending: PendingCommit | null = null;
    try {
      const parsed = JSON.parse(readFileSync(pendingPath, 'utf8')) as Partial<PendingCommit>;
      if (Array.isArray(parsed.names) && typeof parsed.manifest === 'string') pending = { names: parsed.names.map(String), manifest: parsed.manifest };
    } catch {
      pending = null; // torn while being written: the update was never decided
    }
    if (pending) {
      finish(dir, pending);
      outcome = 'rolled-forward';
    } else {
      rmSync(pendingPath, { force: true });
      outcome = 'rolled-back';
    }
  }
  for (const name of readdirSync(dir)) {
    if (name.endsWith(TMP)) {
      rmSync(join(dir, name), { force: true });
      if (outcome === 'clean') outcome = 'rolled-back';
    }
  }
  return outcome;
}

/** True when a killed writer left something for `recoverCommit` (readers report it). */
export function hasPendingCommit(dir: string): boolean {
  return existsSync(join(dir, PENDING));
}
