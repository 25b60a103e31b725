import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { closedTrades, type ClosedTrade, type FillRow, type OrderInfo } from './tradeCsv.ts';

/** Read-side queries of the journal (counts, trades, funding) and the retention delete. */
type Db = Database.Database;

const TABLES = ['signals', 'risk_decisions', 'orders', 'order_events', 'fills', 'funding', 'position_snapshots', 'equity_snapshots', 'escalations', 'alerts', 'reconciliations'] as const;
const ANALYSIS_TABLES = ['signals', 'risk_decisions', 'position_snapshots', 'equity_snapshots', 'alerts'] as const;

export function countRows(db: Db): Record<string, number> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return out;
}

/** Trades rebuilt from the fills (funding payments live in their own table and never count as fills). */
export function readClosedTrades(db: Db): ClosedTrade[] {
  const fills = (db.prepare('SELECT * FROM fills ORDER BY exec_time, exec_id').all() as Record<string, unknown>[]).map(
    (r): FillRow => ({
      execId: String(r.exec_id),
      orderLinkId: String(r.order_link_id),
      symbol: String(r.symbol),
      side: r.side === 'Sell' ? 'Sell' : 'Buy',
      price: Number(r.price),
      qty: Number(r.qty),
      fee: Number(r.fee),
      execTime: Number(r.exec_time),
      closedSize: Number(r.closed_size),
      stopOrderType: String(r.stop_order_type),
    }),
  );
  const orders = new Map<string, OrderInfo>();
  for (const r of db.prepare('SELECT order_link_id, strategy, correlation_id FROM orders').all() as { order_link_id: string; strategy: string; correlation_id: string }[]) {
    orders.set(r.order_link_id, { strategy: r.strategy, correlationId: r.correlation_id });
  }
  return closedTrades(fills, orders);
}

export function fundingPnlSince(db: Db, since: number): number {
  return (db.prepare('SELECT COALESCE(SUM(pnl), 0) AS pnl FROM funding WHERE exec_time >= ?').get(since) as { pnl: number }).pnl;
}

/** Analysis rows older than the cutoff; orders, fills, funding and the event chain are kept. */
export function pruneRows(db: Db, cutoff: number): Record<string, number> {
  const removed: Record<string, number> = {};
  for (const table of ANALYSIS_TABLES) removed[table] = db.prepare(`DELETE FROM ${table} WHERE at < ?`).run(cutoff).changes;
  return removed;
}

/** The newest fill's exchange time, null before the first. */
export function lastFillTimeIn(db: Db): number | null {
  const row = db.prepare('SELECT MAX(exec_time) AS t FROM fills').get() as { t: number | null };
  return row.t;
}

/** Database plus WAL size in bytes (pages x page size for an in-memory journal). */
export function journalSizeBytes(db: Db, path: string): number {
  if (path === ':memory:') return (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
  let size = 0;
  for (const file of [path, `${path}-wal`]) {
    try {
      size += statSync(file).size;
    } catch {
      // no WAL yet
    }
  }
  return size;
}
