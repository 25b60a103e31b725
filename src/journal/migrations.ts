/**
 * Versioned schema migrations, applied in order inside one transaction each; the
 * database's `user_version` records the last one applied. Never edit a released
 * migration: add a new one.
 */
import { REBALANCE_RESIZES_MIGRATION, REBALANCES_MIGRATION } from './rebalances.ts';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'signals, risk decisions, orders, order events (checksum chain), fills, positions, equity, escalations, alerts',
    sql: `
      CREATE TABLE signals (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        symbol TEXT NOT NULL,
        strategy TEXT NOT NULL,
        correlation_id TEXT NOT NULL,
        candle_start INTEGER NOT NULL,
        action TEXT NOT NULL,
        mode TEXT NOT NULL,
        score REAL NOT NULL,
        factors TEXT NOT NULL,
        price REAL NOT NULL,
        stop_loss REAL NOT NULL,
        take_profit REAL NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE INDEX signals_at ON signals(at);
      CREATE TABLE risk_decisions (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        symbol TEXT NOT NULL,
        correlation_id TEXT NOT NULL,
        allowed INTEGER NOT NULL,
        code TEXT NOT NULL,
        side TEXT,
        qty REAL,
        reason TEXT NOT NULL
      );
      CREATE INDEX risk_decisions_at ON risk_decisions(at);
      CREATE TABLE orders (
        order_link_id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL DEFAULT '',
        actor TEXT NOT NULL,
        symbol TEXT NOT NULL,
        strategy TEXT NOT NULL,
        correlation_id TEXT NOT NULL,
        side TEXT NOT NULL,
        qty REAL NOT NULL,
        entry_price REAL NOT NULL,
        stop_loss REAL NOT NULL,
        take_profit REAL NOT NULL,
        status TEXT NOT NULL,
        filled_qty REAL NOT NULL DEFAULT 0,
        avg_price REAL NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE order_events (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        order_link_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX order_events_link ON order_events(order_link_id);
      CREATE TABLE fills (
        exec_id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL,
        order_link_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        price REAL NOT NULL,
        qty REAL NOT NULL,
        fee REAL NOT NULL,
        is_maker INTEGER NOT NULL,
        exec_time INTEGER NOT NULL,
        closed_size REAL NOT NULL,
        stop_order_type TEXT NOT NULL,
        recorded_at INTEGER NOT NULL
      );
      CREATE INDEX fills_time ON fills(exec_time);
      CREATE TABLE position_snapshots (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        size REAL NOT NULL,
        avg_price REAL NOT NULL,
        stop_loss REAL NOT NULL,
        take_profit REAL NOT NULL,
        unrealised_pnl REAL NOT NULL
      );
      CREATE TABLE equity_snapshots (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        equity REAL NOT NULL,
        wallet_balance REAL NOT NULL,
        available_balance REAL NOT NULL
      );
      CREATE TABLE escalations (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        level TEXT NOT NULL,
        kind TEXT NOT NULL,
        code TEXT NOT NULL,
        reason TEXT NOT NULL,
        correlation_id TEXT NOT NULL,
        symbol TEXT,
        actor TEXT
      );
      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        priority TEXT NOT NULL,
        channel TEXT NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE TABLE reconciliations (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        summary TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'journal identity (mode, venue, account) and funding payments kept apart from fills',
    sql: `
      CREATE TABLE journal_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE funding (
        exec_id TEXT PRIMARY KEY,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        position_qty REAL NOT NULL,
        mark_price REAL NOT NULL,
        fee REAL NOT NULL,
        pnl REAL NOT NULL,
        exec_time INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL
      );
      CREATE INDEX funding_time ON funding(exec_time);
    `,
  },
  {
    version: 3,
    description: 'signals.regime: the market regime at each decision (trendingUp, trendingDown, ranging, volatile, unknown)',
    sql: `ALTER TABLE signals ADD COLUMN regime TEXT;`,
  },
  {
    version: 4,
    description: 'operator cockpit: alert changes, their deliveries per channel (retried until delivered), configuration reloads',
    sql: `
      CREATE TABLE alert_events (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        change TEXT NOT NULL,
        alert_key TEXT NOT NULL,
        priority TEXT NOT NULL,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        message TEXT NOT NULL,
        note TEXT NOT NULL,
        count INTEGER NOT NULL,
        first_at INTEGER NOT NULL,
        text TEXT NOT NULL
      );
      CREATE INDEX alert_events_at ON alert_events(at);
      CREATE TABLE alert_deliveries (
        id INTEGER PRIMARY KEY,
        event_id INTEGER NOT NULL REFERENCES alert_events(id),
        channel TEXT NOT NULL,
        target TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        delivered_at INTEGER,
        last_error TEXT
      );
      CREATE INDEX alert_deliveries_pending ON alert_deliveries(status, next_attempt_at);
      CREATE TABLE config_reloads (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        result TEXT NOT NULL,
        version_before TEXT NOT NULL,
        version_after TEXT NOT NULL,
        changes TEXT NOT NULL,
        message TEXT NOT NULL
      );
    `,
  },
  // Self-contained (one new table, nothing else depends on its number).
  { version: 5, ...REBALANCES_MIGRATION },
  // One column on the table of version 5 (portfolio.resizeOpen).
  { version: 6, ...REBALANCE_RESIZES_MIGRATION },
];
