import type Database from 'better-sqlite3';
import type { Balance, Position } from '../domain/types.ts';
import type { Signal } from '../core/strategy/contract.ts';
import type { EscalationRecord } from '../../supervisors/escalation.ts';

/** Analysis records of the journal (not part of the order-event checksum chain): one INSERT each. */
type Db = Database.Database;

/**
 * Each INSERT compiled once per database: better-sqlite3's prepare() compiles the SQL every
 * time, and the signal and risk-decision rows of 2,000 actors made it 1 % of the live path's
 * CPU. Keyed weakly by the connection, so a closed journal takes its statements with it.
 */
const statements = new WeakMap<Db, Map<string, Database.Statement>>();
function statement(db: Db, sql: string): Database.Statement {
  let byDb = statements.get(db);
  if (!byDb) {
    byDb = new Map();
    statements.set(db, byDb);
  }
  let stmt = byDb.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    byDb.set(sql, stmt);
  }
  return stmt;
}

export interface RiskDecisionRecord {
  readonly at: number;
  readonly actor: string;
  readonly symbol: string;
  readonly correlationId: string;
  readonly allowed: boolean;
  readonly code: string;
  readonly side?: string;
  readonly qty?: number;
  readonly reason: string;
}

export function insertSignal(db: Db, at: number, actor: string, correlationId: string, signal: Signal & { readonly candleStart: number }): void {
  statement(
    db,
    `INSERT INTO signals (at, actor, symbol, strategy, correlation_id, candle_start, action, mode, score, factors, price, stop_loss, take_profit, reason, regime)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(at, actor, signal.symbol, signal.strategyId, correlationId, signal.candleStart, signal.action, signal.mode, signal.score, JSON.stringify(signal.factors), signal.price, signal.stopLoss, signal.takeProfit, signal.reason, signal.regime ?? null);
}

export function insertRiskDecision(db: Db, r: RiskDecisionRecord): void {
  statement(db, 'INSERT INTO risk_decisions (at, actor, symbol, correlation_id, allowed, code, side, qty, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    r.at,
    r.actor,
    r.symbol,
    r.correlationId,
    r.allowed ? 1 : 0,
    r.code,
    r.side ?? null,
    r.qty ?? null,
    r.reason,
  );
}

export function insertSnapshot(db: Db, at: number, balance: Balance, positions: readonly Position[]): void {
  statement(db, 'INSERT INTO equity_snapshots (at, equity, wallet_balance, available_balance) VALUES (?, ?, ?, ?)').run(at, balance.equity, balance.walletBalance, balance.availableBalance);
  const insert = statement(db, 'INSERT INTO position_snapshots (at, symbol, side, size, avg_price, stop_loss, take_profit, unrealised_pnl) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  for (const p of positions) insert.run(at, p.symbol, p.side, p.size, p.avgPrice, p.stopLoss, p.takeProfit, p.unrealisedPnl);
}

export function insertEscalation(db: Db, record: EscalationRecord): void {
  statement(db, 'INSERT INTO escalations (at, level, kind, code, reason, correlation_id, symbol, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    record.at,
    record.level,
    record.kind,
    record.code,
    record.reason,
    record.correlationId,
    record.symbol ?? null,
    record.actorId ?? null,
  );
}

export function insertAlert(db: Db, at: number, priority: string, channel: string, reason: string): void {
  statement(db, 'INSERT INTO alerts (at, priority, channel, reason) VALUES (?, ?, ?, ?)').run(at, priority, channel, reason);
}
