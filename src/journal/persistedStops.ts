import type Database from 'better-sqlite3';
import { DAY_MS, utcDayStart } from '../core/data/utcTime.ts';

type Db = Database.Database;

/** An emergency stop recorded in the journal and not yet lifted by an operator. */
export interface PersistedHalt {
  readonly reason: string;
  readonly code: string;
  readonly at: number;
  readonly correlationId: string;
}

/** A daily-loss pause recorded in the journal whose 00:00 UTC has not come yet. */
export interface PersistedPause {
  readonly reason: string;
  readonly at: number;
  readonly until: number;
}

/**
 * The reason a halt or pause carried over a restart is given again, with a prefix that says
 * so: once, however many restarts it has been carried over (the reason read back already
 * holds the previous restart's prefix).
 */
export function carriedHaltReason(halt: PersistedHalt): string {
  return `still halted from before the restart (${halt.code}): ${halt.reason.replace(/^(still halted from before the restart \([A-Z0-9_]+\): )+/, '')}`;
}

export function carriedPauseReason(pause: PersistedPause): string {
  return `still paused from before the restart: ${pause.reason.replace(/^(still paused from before the restart: )+/, '')}`;
}

/**
 * The emergency stop still in force, if any: the last system-level record is a stop with no
 * operator resume after it. A restart must not silently undo a halt.
 */
export function activeHaltIn(db: Db): PersistedHalt | null {
  const row = db
    .prepare(`SELECT kind, reason, code, at, correlation_id FROM escalations WHERE level = 'system' AND kind IN ('emergency_stop', 'resumed') ORDER BY id DESC LIMIT 1`)
    .get() as { kind: string; reason: string; code: string; at: number; correlation_id: string } | undefined;
  return row && row.kind === 'emergency_stop' ? { reason: row.reason, code: row.code, at: row.at, correlationId: row.correlation_id } : null;
}

/**
 * The daily-loss pause in force at `now`, if the last pause record is not followed by its
 * end and its 00:00 UTC has not come yet (a restart keeps the pause: crash-only, not amnesia).
 */
export function activePauseIn(db: Db, now: number): PersistedPause | null {
  const row = db
    .prepare(`SELECT kind, reason, at FROM escalations WHERE level = 'system' AND kind IN ('daily_loss_pause', 'daily_loss_pause_end', 'resumed') ORDER BY id DESC LIMIT 1`)
    .get() as { kind: string; reason: string; at: number } | undefined;
  if (!row || row.kind !== 'daily_loss_pause') return null;
  const until = utcDayStart(row.at) + DAY_MS;
  return until > now ? { reason: row.reason, at: row.at, until } : null;
}
