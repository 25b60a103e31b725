import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Balance, Execution, PlaceOrderRequest, Position } from '../domain/types.ts';
import type { Signal } from '../core/strategy/contract.ts';
import type { EntryOrder, PlacedOrder } from '../../machines/strategy.types.ts';
import type { OrderEventSink } from '../orders/orderEvents.ts';
import type { EscalationRecord } from '../../supervisors/escalation.ts';
import { GENESIS_HASH, chainHash } from './chain.ts';
import { checkIntegrity, migrate, refuseEmptyFile, type IntegrityReport } from './integrity.ts';
import { JournalCorruptError, JournalFailedError } from './errors.ts';
import { ensureDir } from './dataDir.ts';
import { bindAccount, bindIdentity, recordedIdentity, type JournalIdentity } from './identity.ts';
import { countRows, fundingPnlSince, journalSizeBytes, lastFillTimeIn, pruneRows, readClosedTrades } from './queries.ts';
import { activeHaltIn, activePauseIn, type PersistedHalt, type PersistedPause } from './persistedStops.ts';
import { insertObservations, withoutFsync } from './observations.ts';
import { insertAlert, insertEscalation, insertRiskDecision, insertSignal, insertSnapshot, type RiskDecisionRecord } from './records.ts';

export type { IntegrityReport } from './integrity.ts';
import type { ClosedTrade } from './tradeCsv.ts';
import { insertRebalance, type RebalanceRecord } from './rebalances.ts';

type Db = Database.Database;

export type { RiskDecisionRecord } from './records.ts';
import type { ObservationRow } from './journalTap.ts';

/**
 * The trade journal (backlog B4.6): one SQLite file in WAL mode, one writer (this
 * process), versioned migrations, each logical change in one transaction, and a checksum
 * chain over the order events. It is the bot's memory across restarts and the source of
 * trade_journal.csv.
 */
export class Journal implements OrderEventSink {
  private lastHash = GENESIS_HASH;
  private readonly insertEvent: Database.Statement;
  /** The order path's statements, compiled on first use instead of on every call (prepare() was 2 % of a close's dispatch). */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    readonly path: string,
    private readonly db: Db,
    private readonly onClose?: () => void,
  ) {
    this.insertEvent = db.prepare('INSERT INTO order_events (at, order_link_id, kind, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)');
    const last = db.prepare('SELECT hash FROM order_events ORDER BY id DESC LIMIT 1').get() as { hash: string } | undefined;
    this.lastHash = last?.hash ?? GENESIS_HASH;
  }

  /**
   * Opens (creating if needed), checks integrity, then migrates. A database that fails
   * the check is not touched further: the caller must refuse to trade on it.
   */
  static open(path: string, options: { readonly readonly?: boolean; readonly onClose?: () => void; readonly allowNew?: boolean } = {}): Journal {
    let db: Db;
    if (path !== ':memory:') refuseEmptyFile(path);
    try {
      if (path !== ':memory:' && !options.readonly) ensureDir(dirname(path));
      db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: (options.readonly ?? false) || options.allowNew === false });
    } catch (error) {
      if (error instanceof JournalFailedError || (error as { code?: string }).code === 'DATA_DIR_UNUSABLE') throw error;
      throw new JournalFailedError(`cannot open journal ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    try {
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        // FULL: a commit survives a power cut too, not only a process crash. Orders are worth it.
        db.pragma('synchronous = FULL');
      }
      db.pragma('busy_timeout = 5000');
      const report = checkIntegrity(db);
      if (!report.ok) {
        throw new JournalCorruptError(
          report.sqlite !== 'ok'
            ? `journal ${path} is corrupt (PRAGMA integrity_check: ${report.sqlite}); restore a backup (npm run journal -- backup makes one) or move the file away`
            : `journal ${path} failed its order-event checksum chain at event id ${report.brokenAt}; restore a backup or move the file away`,
          { details: { path, ...report } },
        );
      }
      if (!options.readonly) migrate(db);
      return new Journal(path, db, options.onClose);
    } catch (error) {
      db.close();
      if (error instanceof JournalCorruptError || error instanceof JournalFailedError) throw error;
      // SQLITE_CORRUPT / SQLITE_NOTADB surface as exceptions from the first read.
      const message = error instanceof Error ? error.message : String(error);
      if (/malformed|not a database|corrupt/i.test(message)) {
        throw new JournalCorruptError(`journal ${path} is corrupt (${message}); restore a backup or move the file away`, { cause: error });
      }
      throw new JournalFailedError(`cannot use journal ${path}: ${message}`, { cause: error });
    }
  }

  /**
   * The connection, for the cockpit's stores (src/journal/cockpitStore.ts): they write
   * through the same single writer instead of opening a second one.
   */
  get connection(): Db {
    return this.db;
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.onClose?.();
  }

  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  verify(): IntegrityReport {
    return checkIntegrity(this.db);
  }

  /** Database plus WAL size in bytes (exported as a metric). */
  sizeBytes(): number {
    return journalSizeBytes(this.db, this.path);
  }

  // ---- order events (OrderEventSink): each call is one transaction ----

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  private appendEvent(at: number, orderLinkId: string, kind: string, detail: unknown): void {
    const text = JSON.stringify(detail);
    const hash = chainHash(this.lastHash, { at, orderLinkId, kind, detail: text });
    this.insertEvent.run(at, orderLinkId, kind, text, this.lastHash, hash);
    this.lastHash = hash;
  }

  /**
   * One transaction; `durable` (default) fsyncs (synchronous=FULL), `noFsync` does not
   * (observations.ts). For observation rows, and for the order's rows after its intent, which
   * a power cut could only lose as a WAL tail (the checksum chain stays a prefix) and start-up
   * reconciliation restores from the exchange (pending intents by orderLinkId, fills from the
   * last one kept). The intent, written before the order is sent, stays durable (README, Journal).
   */
  private tx(fn: () => void, commit: 'durable' | 'noFsync' = 'durable'): void {
    const previous = this.lastHash;
    try {
      if (commit === 'durable') this.db.transaction(fn)();
      else withoutFsync(this.db, () => this.db.transaction(fn)());
    } catch (error) {
      this.lastHash = previous;
      throw new JournalFailedError(`journal write failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  intent(order: EntryOrder, at: number): void {
    this.tx(() => {
      this.sql(
        `INSERT INTO orders (order_link_id, actor, symbol, strategy, correlation_id, side, qty, entry_price, stop_loss, take_profit, status, created_at, updated_at)
         VALUES (@link, @actor, @symbol, @strategy, @cid, @side, @qty, @price, @sl, @tp, 'Intent', @at, @at)
         ON CONFLICT(order_link_id) DO UPDATE SET updated_at = excluded.updated_at`,
      ).run({
        link: order.orderLinkId,
        actor: order.actorId,
        symbol: order.symbol,
        strategy: order.presetId,
        cid: order.correlationId,
        side: order.entry.side,
        qty: order.entry.qty,
        price: order.entry.entryPrice,
        sl: order.entry.stopLoss,
        tp: order.entry.takeProfit,
        at,
      });
      this.appendEvent(at, order.orderLinkId, 'intent', { actor: order.actorId, side: order.entry.side, qty: order.entry.qty, correlationId: order.correlationId });
    });
  }

  submitted(order: EntryOrder, request: PlaceOrderRequest, attempt: number, at: number): void {
    this.tx(() => {
      this.sql(`UPDATE orders SET status = 'Submitted', qty = ?, updated_at = ? WHERE order_link_id = ? AND status IN ('Intent', 'Submitted')`).run(request.qty, at, order.orderLinkId);
      this.appendEvent(at, order.orderLinkId, 'submitted', { attempt, qty: request.qty });
    }, 'noFsync');
  }

  outcome(order: EntryOrder, result: PlacedOrder, at: number): void {
    this.tx(() => {
      this.sql('UPDATE orders SET order_id = ?, status = ?, filled_qty = ?, avg_price = ?, updated_at = ? WHERE order_link_id = ?').run(result.orderId, result.status, result.filledQty, result.avgPrice, at, order.orderLinkId);
      this.appendEvent(at, order.orderLinkId, 'outcome', { status: result.status, orderId: result.orderId, filledQty: result.filledQty, avgPrice: result.avgPrice, adopted: result.adopted, note: result.note ?? null });
    }, 'noFsync');
  }

  failed(order: EntryOrder, code: string, message: string, at: number): void {
    this.tx(() => {
      this.sql(`UPDATE orders SET status = 'Failed', updated_at = ? WHERE order_link_id = ?`).run(at, order.orderLinkId);
      this.appendEvent(at, order.orderLinkId, 'failed', { code, message });
    }, 'noFsync');
  }

  /** An intent that was never sent (the gate closed first): a terminal status, not a pending one. */
  notSent(order: EntryOrder, reason: string, at: number): void {
    this.tx(() => {
      const changed = this.sql(`UPDATE orders SET status = 'NotSent', updated_at = ? WHERE order_link_id = ? AND status = 'Intent'`).run(at, order.orderLinkId).changes;
      if (changed > 0) this.appendEvent(at, order.orderLinkId, 'not_sent', { reason });
    }, 'noFsync');
  }

  /** Shutdown: every intent still queued (never sent) becomes NotSent. Returns how many. */
  markUnsentIntents(reason: string, at: number): number {
    let count = 0;
    this.tx(() => {
      const rows = this.sql(`SELECT order_link_id FROM orders WHERE status = 'Intent'`).all() as { order_link_id: string }[];
      const update = this.sql(`UPDATE orders SET status = 'NotSent', updated_at = ? WHERE order_link_id = ?`);
      for (const row of rows) {
        update.run(at, row.order_link_id);
        this.appendEvent(at, row.order_link_id, 'not_sent', { reason });
        count++;
      }
    });
    return count;
  }

  changed(orderLinkId: string, change: 'amended' | 'cancelled', detail: Readonly<Record<string, unknown>>, at: number): void {
    this.tx(() => {
      if (change === 'cancelled') this.sql(`UPDATE orders SET status = 'Cancelled', updated_at = ? WHERE order_link_id = ?`).run(at, orderLinkId);
      else if (typeof detail.qty === 'number') this.sql('UPDATE orders SET qty = ?, updated_at = ? WHERE order_link_id = ?').run(detail.qty, at, orderLinkId);
      this.appendEvent(at, orderLinkId, change, detail);
    }, 'noFsync');
  }

  protection(symbol: string, action: string, detail: string, at: number): void {
    this.tx(() => this.appendEvent(at, `protect:${symbol}`, action, { detail }), 'noFsync');
  }

  /** Adopts an order of ours found on the exchange but unknown to the journal (reconciliation). */
  adoptOrder(row: { orderLinkId: string; orderId: string; symbol: string; side: string; qty: number; price: number; status: string; filledQty: number; avgPrice: number; at: number }): void {
    this.tx(() => {
      this.sql(
        `INSERT INTO orders (order_link_id, order_id, actor, symbol, strategy, correlation_id, side, qty, entry_price, stop_loss, take_profit, status, filled_qty, avg_price, created_at, updated_at)
         VALUES (@link, @id, '', @symbol, '', 'reconcile', @side, @qty, @price, 0, 0, @status, @filled, @avg, @at, @at)
         ON CONFLICT(order_link_id) DO UPDATE SET order_id = excluded.order_id, status = excluded.status, filled_qty = excluded.filled_qty, avg_price = excluded.avg_price, updated_at = excluded.updated_at`,
      ).run({ link: row.orderLinkId, id: row.orderId, symbol: row.symbol, side: row.side, qty: row.qty, price: row.price, status: row.status, filled: row.filledQty, avg: row.avgPrice, at: row.at });
      this.appendEvent(row.at, row.orderLinkId, 'reconciled', { orderId: row.orderId, status: row.status, filledQty: row.filledQty });
    });
  }

  /**
   * An order update pushed by the exchange: refresh the row of an order we know (ours, by
   * orderLinkId) when its status or filled quantity changed. Unknown ids are ignored here;
   * reconciliation adopts them.
   */
  orderUpdate(order: { orderLinkId: string; orderId: string; status: string; cumExecQty: number; avgPrice: number }, at: number): boolean {
    const row = this.sql('SELECT status, filled_qty FROM orders WHERE order_link_id = ?').get(order.orderLinkId) as { status: string; filled_qty: number } | undefined;
    if (!row || (row.status === order.status && row.filled_qty === order.cumExecQty)) return false;
    this.tx(() => {
      this.sql('UPDATE orders SET order_id = ?, status = ?, filled_qty = ?, avg_price = ?, updated_at = ? WHERE order_link_id = ?').run(order.orderId, order.status, order.cumExecQty, order.avgPrice, at, order.orderLinkId);
      this.appendEvent(at, order.orderLinkId, 'stream_update', { status: order.status, filledQty: order.cumExecQty, avgPrice: order.avgPrice });
    }, 'noFsync');
    return true;
  }

  // ---- other records ----

  recordSignal(at: number, actor: string, correlationId: string, signal: Signal & { readonly candleStart: number }): void {
    this.tx(() => insertSignal(this.db, at, actor, correlationId, signal));
  }

  recordRiskDecision(r: RiskDecisionRecord): void {
    this.tx(() => insertRiskDecision(this.db, r));
  }

  /** Signal and risk-decision rows in one transaction (the journal tap writes a turn's rows at once), without an fsync (observations.ts). */
  recordObservations(rows: readonly ObservationRow[]): void {
    this.tx(() => insertObservations(this.db, rows), 'noFsync');
  }

  /**
   * Records executions not seen before (by execId); returns how many were new. Funding
   * payments (execType Funding: qty = position size, price = mark price) go to their own
   * table with their PnL, never to the fills trades are rebuilt from.
   */
  recordFills(executions: readonly Execution[], at: number): number {
    let added = 0;
    this.tx(() => {
      const insert = this.sql(
        `INSERT OR IGNORE INTO fills (exec_id, order_id, order_link_id, symbol, side, price, qty, fee, is_maker, exec_time, closed_size, stop_order_type, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertFunding = this.sql(
        `INSERT OR IGNORE INTO funding (exec_id, symbol, side, position_qty, mark_price, fee, pnl, exec_time, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const e of executions) {
        if (e.execType === 'Funding') {
          // Bybit's execFee of a funding row is what we paid (negative: received).
          if (insertFunding.run(e.execId, e.symbol, e.side, e.execQty, e.execPrice, e.execFee, -e.execFee, e.execTime, at).changes > 0) {
            added++;
            this.appendEvent(at, `funding:${e.symbol}`, 'funding', { execId: e.execId, pnl: -e.execFee, positionQty: e.execQty });
          }
          continue;
        }
        const info = insert.run(e.execId, e.orderId, e.orderLinkId, e.symbol, e.side, e.execPrice, e.execQty, e.execFee, e.isMaker ? 1 : 0, e.execTime, e.closedSize, e.stopOrderType, at);
        if (info.changes > 0) {
          added++;
          this.appendEvent(at, e.orderLinkId || `position:${e.symbol}`, 'fill', { execId: e.execId, qty: e.execQty, price: e.execPrice, stopOrderType: e.stopOrderType });
        }
      }
    }, 'noFsync');
    return added;
  }

  lastFillTime(): number | null {
    return lastFillTimeIn(this.db);
  }

  snapshot(at: number, balance: Balance, positions: readonly Position[]): void {
    this.tx(() => insertSnapshot(this.db, at, balance, positions));
  }

  recordEscalation(record: EscalationRecord): void {
    this.tx(() => insertEscalation(this.db, record));
  }

  recordAlert(at: number, priority: string, channel: string, reason: string): void {
    this.tx(() => insertAlert(this.db, at, priority, channel, reason));
  }

  recordRebalance(record: RebalanceRecord): void {
    this.tx(() => insertRebalance(this.db, record));
  }

  recordReconciliation(at: number, summary: unknown): void {
    this.tx(() => {
      this.db.prepare('INSERT INTO reconciliations (at, summary) VALUES (?, ?)').run(at, JSON.stringify(summary));
      this.appendEvent(at, 'reconcile', 'reconciliation', summary);
    });
  }

  // ---- reads ----

  /** The emergency stop still in force, if any (persistedStops.ts). */
  activeHalt(): PersistedHalt | null {
    return activeHaltIn(this.db);
  }

  /** The daily-loss pause in force at `now`, if any (persistedStops.ts). */
  activePause(now: number): PersistedPause | null {
    return activePauseIn(this.db, now);
  }

  orderLinkIds(): Set<string> {
    return new Set((this.db.prepare('SELECT order_link_id FROM orders').all() as { order_link_id: string }[]).map((r) => r.order_link_id));
  }

  /** Orders the journal believes are still pending on the exchange. */
  pendingOrders(): { orderLinkId: string; symbol: string; status: string }[] {
    return (this.db.prepare(`SELECT order_link_id, symbol, status FROM orders WHERE status IN ('Intent', 'Submitted', 'New', 'PartiallyFilled', 'Untriggered')`).all() as { order_link_id: string; symbol: string; status: string }[]).map(
      (r) => ({ orderLinkId: r.order_link_id, symbol: r.symbol, status: r.status }),
    );
  }

  counts(): Record<string, number> {
    return countRows(this.db);
  }

  closedTrades(): ClosedTrade[] {
    return readClosedTrades(this.db);
  }

  /** Funding PnL (positive = received) of payments at or after `since`. */
  fundingPnl(since: number): number {
    return fundingPnlSince(this.db, since);
  }

  /** Retention: drops analysis rows older than the cutoff. Orders, fills and their event chain are kept. */
  prune(cutoff: number): Record<string, number> {
    let removed: Record<string, number> = {};
    this.tx(() => {
      removed = pruneRows(this.db, cutoff);
    });
    return removed;
  }

  // ---- identity ----

  /** Mode and venue recorded on first use; a journal of another mode or venue is refused (JournalMismatchError). */
  bindIdentity(identity: JournalIdentity): void {
    bindIdentity(this.db, this.path, identity);
  }

  /** The exchange account recorded on first contact; another account's journal is refused. */
  bindAccount(account: string): void {
    bindAccount(this.db, this.path, account);
  }

  identity(): { mode: string | null; venue: string | null; account: string | null } {
    return recordedIdentity(this.db);
  }

  /** Online backup (SQLite backup API): consistent while the bot keeps writing. */
  async backup(destination: string): Promise<void> {
    ensureDir(dirname(destination), 'backup directory');
    await this.db.backup(destination);
  }
}
