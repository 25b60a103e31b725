import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { JournalCorruptError } from './errors.ts';
import { GENESIS_HASH, chainHash } from './chain.ts';
import { MIGRATIONS } from './migrations.ts';

type Db = Database.Database;

export interface IntegrityReport {
  readonly ok: boolean;
  readonly sqlite: string;
  readonly orderEvents: number;
  readonly brokenAt: number | null;
}

/** Applies the migrations the database has not seen, each in its own transaction. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

/** PRAGMA integrity_check, then the order-event checksum chain from the first row. */
export function checkIntegrity(db: Db): IntegrityReport {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  const sqlite = rows.map((r) => r.integrity_check).join('; ');
  const hasEvents = (db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'order_events'`).get() as { n: number }).n > 0;
  if (sqlite !== 'ok' || !hasEvents) return { ok: sqlite === 'ok', sqlite, orderEvents: 0, brokenAt: null };
  let prev = GENESIS_HASH;
  let count = 0;
  for (const row of db.prepare('SELECT id, at, order_link_id, kind, detail, prev_hash, hash FROM order_events ORDER BY id').iterate() as Iterable<{
    id: number;
    at: number;
    order_link_id: string;
    kind: string;
    detail: string;
    prev_hash: string;
    hash: string;
  }>) {
    count++;
    const expected = chainHash(prev, { at: row.at, orderLinkId: row.order_link_id, kind: row.kind, detail: row.detail });
    if (row.prev_hash !== prev || row.hash !== expected) return { ok: false, sqlite, orderEvents: count, brokenAt: row.id };
    prev = row.hash;
  }
  return { ok: true, sqlite, orderEvents: count, brokenAt: null };
}

/**
 * SQLite takes a zero-length file for a new, empty database: a journal truncated by a bad
 * copy or a full disk would silently restart from nothing (no halts, no pending orders).
 * Refuse it like a corrupt one; `npm run journal -- init` creates a new journal on purpose.
 */
export function refuseEmptyFile(path: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // absent: a new journal is created
  }
  if (size === 0) {
    throw new JournalCorruptError(
      `journal ${path} is an empty (zero-length) file, not a journal; restore a backup, or move it away and create a new journal with: npm run journal -- init`,
      { details: { path, sizeBytes: 0 } },
    );
  }
}
