import type Database from 'better-sqlite3';
import type { ObservationRow } from './journalTap.ts';
import { insertRiskDecision, insertSignal } from './records.ts';

/** The journal tap's batch (signals and risk decisions of one event-loop turn), in order. */
export function insertObservations(db: Database.Database, rows: readonly ObservationRow[]): void {
  for (const row of rows) {
    if (row.kind === 'signal') insertSignal(db, row.at, row.actor, row.correlationId, row.signal);
    else insertRiskDecision(db, row.record);
  }
}

/**
 * Runs a write with synchronous=NORMAL, then back to FULL. In WAL mode a NORMAL commit is
 * still atomic and survives a crash of the process (its frames are in the OS's cache); only
 * a power cut may lose it, until the next FULL commit (an order intent) makes it durable. For
 * the journal tap's observation rows, whose loss it accepts: the fsync of a FULL commit,
 * about 1.4 ms here, was 3.8 % of the CPU with 2,000 actors (30 such commits a second).
 */
export function withoutFsync(db: Database.Database, write: () => void): void {
  if (db.readonly || db.memory) {
    write();
    return;
  }
  db.pragma('synchronous = NORMAL');
  try {
    write();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
