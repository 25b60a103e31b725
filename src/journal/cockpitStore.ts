import type Database from 'better-sqlite3';
import type { AlertChange, AlertChangeType, AlertSnapshot, Priority } from '../core/alerts/types.ts';
import type { Journal } from './journal.ts';

/**
 * The cockpit's tables in the journal (migration 3): every alert change, one delivery
 * row per channel and target (pending until delivered, retried after a restart), and every
 * configuration reload. Each write is one statement (its own transaction).
 */
type Db = Database.Database;

export interface StoredAlertEvent {
  readonly id: number;
  readonly at: number;
  readonly change: AlertChangeType;
  readonly note: string;
  readonly text: string;
  readonly alert: AlertSnapshot;
}

export interface PendingDelivery {
  readonly id: number;
  readonly channel: string;
  readonly target: string;
  readonly attempts: number;
  /** Wall-clock ms. */
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  readonly event: StoredAlertEvent;
}

export interface ConfigReloadRow {
  readonly at: number;
  readonly trigger: string;
  readonly result: string;
  readonly versionBefore: string;
  readonly versionAfter: string;
  readonly changes: readonly string[];
  readonly message: string;
}

interface EventRow {
  id: number;
  at: number;
  change: string;
  alert_key: string;
  priority: string;
  source: string;
  title: string;
  message: string;
  note: string;
  count: number;
  first_at: number;
  text: string;
}

function toEvent(r: EventRow): StoredAlertEvent {
  return {
    id: r.id,
    at: r.at,
    change: r.change as AlertChangeType,
    note: r.note,
    text: r.text,
    alert: {
      key: r.alert_key,
      priority: r.priority as Priority,
      source: r.source,
      title: r.title,
      message: r.message,
      kind: 'event',
      count: r.count,
      firstAt: r.first_at,
      lastAt: r.at,
      resolvedAt: r.change === 'resolved' ? r.at : null,
    },
  };
}

export class CockpitStore {
  private readonly db: Db;

  constructor(journal: Journal) {
    this.db = journal.connection;
  }

  /** Records one alert change and its deliveries in one transaction; returns the event id. */
  recordAlert(change: AlertChange, text: string, deliveries: readonly { channel: string; target: string }[], wallNow: number): number {
    let id = 0;
    this.db.transaction(() => {
      const a = change.alert;
      id = Number(
        this.db
          .prepare('INSERT INTO alert_events (at, change, alert_key, priority, source, title, message, note, count, first_at, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(change.at, change.type, a.key, a.priority, a.source, a.title, a.message, change.note, a.count, a.firstAt, text).lastInsertRowid,
      );
      const insert = this.db.prepare(`INSERT INTO alert_deliveries (event_id, channel, target, status, next_attempt_at, created_at) VALUES (?, ?, ?, 'pending', ?, ?)`);
      for (const d of deliveries) insert.run(id, d.channel, d.target, wallNow, wallNow);
    })();
    return id;
  }

  /** Pending deliveries, most severe first, then in the order they were recorded. */
  pendingDeliveries(limit = 500): PendingDelivery[] {
    const rows = this.db
      .prepare(
        `SELECT d.id AS did, d.channel, d.target, d.attempts, d.next_attempt_at, d.created_at, e.*
         FROM alert_deliveries d JOIN alert_events e ON e.id = d.event_id
         WHERE d.status = 'pending' ORDER BY e.priority, d.id LIMIT ?`,
      )
      .all(limit) as (EventRow & { did: number; channel: string; target: string; attempts: number; next_attempt_at: number; created_at: number })[];
    return rows.map((r) => ({ id: r.did, channel: r.channel, target: r.target, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, createdAt: r.created_at, event: toEvent(r) }));
  }

  markDelivered(id: number, attempts: number, wallNow: number): void {
    this.db.prepare(`UPDATE alert_deliveries SET status = 'delivered', attempts = ?, delivered_at = ?, last_error = NULL WHERE id = ?`).run(attempts, wallNow, id);
  }

  markRetry(id: number, attempts: number, nextAttemptAt: number, error: string): void {
    this.db.prepare('UPDATE alert_deliveries SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?').run(attempts, nextAttemptAt, error.slice(0, 500), id);
  }

  markExpired(id: number, attempts: number, error: string): void {
    this.db.prepare(`UPDATE alert_deliveries SET status = 'expired', attempts = ?, last_error = ? WHERE id = ?`).run(attempts, error.slice(0, 500), id);
  }

  deliveryCounts(): Record<string, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM alert_deliveries GROUP BY status').all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  recentAlertEvents(limit: number): StoredAlertEvent[] {
    return (this.db.prepare('SELECT * FROM alert_events ORDER BY id DESC LIMIT ?').all(limit) as EventRow[]).map(toEvent);
  }

  /**
   * Retention (journal.retentionDays): alert changes and reloads older than the cutoff (bot
   * clock) go, with their settled deliveries; a change whose delivery is still pending stays.
   */
  prune(cutoff: number): Record<string, number> {
    const removed: Record<string, number> = {};
    this.db.transaction(() => {
      const old = `SELECT id FROM alert_events WHERE at < ? AND id NOT IN (SELECT event_id FROM alert_deliveries WHERE status = 'pending')`;
      removed.alert_deliveries = this.db.prepare(`DELETE FROM alert_deliveries WHERE event_id IN (${old})`).run(cutoff).changes;
      removed.alert_events = this.db.prepare(`DELETE FROM alert_events WHERE id IN (${old})`).run(cutoff).changes;
      removed.config_reloads = this.db.prepare('DELETE FROM config_reloads WHERE at < ?').run(cutoff).changes;
    })();
    return removed;
  }

  recordReload(row: ConfigReloadRow): void {
    this.db
      .prepare('INSERT INTO config_reloads (at, trigger, result, version_before, version_after, changes, message) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(row.at, row.trigger, row.result, row.versionBefore, row.versionAfter, JSON.stringify(row.changes), row.message);
  }

  recentReloads(limit: number): ConfigReloadRow[] {
    const rows = this.db.prepare('SELECT * FROM config_reloads ORDER BY id DESC LIMIT ?').all(limit) as {
      at: number;
      trigger: string;
      result: string;
      version_before: string;
      version_after: string;
      changes: string;
      message: string;
    }[];
    return rows.map((r) => ({ at: r.at, trigger: r.trigger, result: r.result, versionBefore: r.version_before, versionAfter: r.version_after, changes: JSON.parse(r.changes) as string[], message: r.message }));
  }
}
