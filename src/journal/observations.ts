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
