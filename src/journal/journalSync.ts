import type { Clock } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { toBybotError } from '../domain/errors.ts';
import type { Journal } from './journal.ts';
import { pruneLogFiles } from './logRetention.ts';
import type { Order, Position } from '../domain/types.ts';

/** What the exchange said about the account at the last sync (for /actors and /status). */
export interface AccountSnapshot {
  readonly at: number;
  readonly equity: number;
  readonly availableBalance: number;
  readonly positions: readonly Position[];
  readonly openOrders: readonly Order[];
}

export interface JournalSyncOptions {
  /** Without a journal the sync still reads the account for /actors and /metrics. */
  readonly journal?: Journal;
  readonly onAccount?: (snapshot: AccountSnapshot) => void;
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly intervalMs: number;
  readonly retentionDays: number;
  readonly sizeAlertBytes: number;
  /** Directory of log files that share the journal's retention. */
  readonly logDir?: string;
}

const DAY = 86_400_000;

/**
 * Periodic journal upkeep on the injected clock: records fills the exchange reports (REST
 * is the fallback that never misses what a stream might have dropped; execId dedupes),
 * snapshots equity and positions, exports the database size and alerts above the
 * threshold, and applies the retention once a day.
 */
export class JournalSync {
  private handle: unknown;
  private stopped = true;
  private lastPrune = -Infinity;
  private sizeAlerted = false;

  constructor(private readonly options: JournalSyncOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.options.clock.clearTimeout(this.handle);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.handle = this.options.clock.setTimeout(() => {
      void this.tick().finally(() => this.schedule(this.options.intervalMs));
    }, delay);
  }

  /**
   * One round; also called directly by tests and by shutdown for a final sync (with a
   * signal that bounds it). Returns false when the exchange could not be read.
   */
  async tick(signal?: AbortSignal): Promise<boolean> {
    const { journal, exchange, clock, logger, metrics } = this.options;
    const now = clock.now();
    const call = signal ? { signal } : undefined;
    let ok = true;
    try {
      let added = 0;
      if (journal) {
        const since = journal.lastFillTime();
        const executions = await exchange.executions({ ...(since !== null ? { startTime: since } : {}), limit: 100 }, call);
        added = journal.recordFills(executions, now);
      }
      const [balance, positions, open] = await Promise.all([exchange.balance(call), exchange.positions(undefined, call), exchange.openOrders(undefined, call)]);
      journal?.snapshot(now, balance, positions);
      const plain = open.filter((o) => o.stopOrderType === '');
      metrics.openPositions.set(positions.length);
      metrics.openOrders.set(plain.length);
      this.options.onAccount?.({ at: now, equity: balance.equity, availableBalance: balance.availableBalance, positions, openOrders: plain });
      if (added > 0) logger.debug({ event: 'journal_fills', added }, `journal: ${added} new fill(s)`);
    } catch (error) {
      ok = false;
      const typed = toBybotError(error);
      logger.warn({ event: 'journal_sync_failed', code: typed.code, err: typed.message }, `journal sync failed: ${typed.message}`);
    }
    if (!journal) return ok;
    const size = journal.sizeBytes();
    metrics.journalSizeBytes.set(size);
    if (size > this.options.sizeAlertBytes && !this.sizeAlerted) {
      this.sizeAlerted = true;
      const reason = `journal ${journal.path} is ${(size / 1e6).toFixed(1)} MB, above the alert threshold ${(this.options.sizeAlertBytes / 1e6).toFixed(0)} MB`;
      logger.warn({ event: 'channel_alert', priority: 'high', channel: 'journal', reason }, reason);
      journal.recordAlert(now, 'high', 'journal', reason);
    }
    if (now - this.lastPrune >= DAY) {
      this.lastPrune = now;
      const removed: Record<string, number> = { ...journal.prune(now - this.options.retentionDays * DAY) };
      // File times are wall-clock: the one Date.now() here belongs to the file-system edge.
      if (this.options.logDir) removed.logFiles = pruneLogFiles(this.options.logDir, Date.now() - this.options.retentionDays * DAY);
      const total = Object.values(removed).reduce((a, b) => a + b, 0);
      if (total > 0) logger.info({ event: 'journal_retention', removed }, `journal retention removed ${total} row(s) older than ${this.options.retentionDays} days`);
    }
    return ok;
  }
}
