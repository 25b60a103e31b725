import type Database from 'better-sqlite3';
import type { RebalanceRecord, ResizeOrder } from '../core/portfolio/types.ts';

export type { RebalanceRecord };

/**
 * Portfolio rebalances in the journal (migration 5, one self-contained table; migration 6 adds `resized`): when, why,
 * the mode, the new weights per preset and per sleeve (symbol x preset), the previous ones, and the inputs that decided them
 * (volatilities, scores, trade counts, drift, fallback), as JSON.
 */
export const REBALANCES_MIGRATION = {
  description: 'portfolio_rebalances: every portfolio rebalance with the inputs that decided it',
  sql: `
    CREATE TABLE portfolio_rebalances (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      reason TEXT NOT NULL,
      mode TEXT NOT NULL,
      weights TEXT NOT NULL,
      sleeves TEXT NOT NULL,
      previous TEXT,
      inputs TEXT NOT NULL
    );
    CREATE INDEX portfolio_rebalances_at ON portfolio_rebalances(at);
  `,
} as const;

/** Migration 6: the reductions of open positions a rebalance decided (portfolio.resizeOpen), JSON; NULL when none. */
export const REBALANCE_RESIZES_MIGRATION = {
  description: 'portfolio_rebalances.resized: the reductions of open positions a rebalance decided (portfolio.resizeOpen)',
  sql: `ALTER TABLE portfolio_rebalances ADD COLUMN resized TEXT;`,
} as const;

export function insertRebalance(db: Database.Database, r: RebalanceRecord): void {
  db.prepare('INSERT INTO portfolio_rebalances (at, reason, mode, weights, sleeves, previous, inputs, resized) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    r.at,
    r.reason,
    r.mode,
    JSON.stringify(r.weights),
    JSON.stringify(r.sleeves),
    r.previous === null ? null : JSON.stringify(r.previous),
    JSON.stringify(r.inputs),
    r.resized && r.resized.length > 0 ? JSON.stringify(r.resized) : null,
  );
}

/** The newest `limit` rebalances, oldest first. */
export function readRebalances(db: Database.Database, limit: number): RebalanceRecord[] {
  const rows = db.prepare('SELECT * FROM portfolio_rebalances ORDER BY id DESC LIMIT ?').all(limit) as Record<string, unknown>[];
  return rows.reverse().map((r) => ({
    at: Number(r.at),
    reason: r.reason as RebalanceRecord['reason'],
    mode: r.mode as RebalanceRecord['mode'],
    weights: JSON.parse(String(r.weights)) as Record<string, number>,
    sleeves: JSON.parse(String(r.sleeves)) as Record<string, number>,
    previous: r.previous === null ? null : (JSON.parse(String(r.previous)) as Record<string, number>),
    inputs: JSON.parse(String(r.inputs)) as RebalanceRecord['inputs'],
    ...(r.resized === null || r.resized === undefined ? {} : { resized: JSON.parse(String(r.resized)) as ResizeOrder[] }),
  }));
}
