import { join } from 'node:path';
import type { AppConfig } from '../../config/schema.ts';
import { toBybotError } from '../domain/errors.ts';
import type { Journal } from '../journal/journal.ts';
import { JournalSync, type AccountSnapshot } from '../journal/journalSync.ts';
import { resolveDataDir } from '../journal/openJournal.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { OrderManager } from '../orders/orderManager.ts';
import type { Clock } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';

export interface JournalSyncSetup {
  readonly config: AppConfig;
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly orders: OrderManager;
  readonly journal?: Journal;
  /** Each account snapshot the sync read (the runtime keeps the last one for /actors). */
  readonly onAccount: (snapshot: AccountSnapshot) => void;
}

/**
 * The periodic account sync of the runtime (fills, equity, positions into the journal,
 * retention and size checks) on `journal.syncIntervalMs`; on the same rhythm, our resting
 * limit orders older than `orders.staleOrderTtlMs` are cancelled.
 */
export function createJournalSync(o: JournalSyncSetup): JournalSync {
  const { config, clock, logger } = o;
  return new JournalSync({
    ...(o.journal ? { journal: o.journal } : {}),
    onAccount: (snapshot) => {
      o.onAccount(snapshot);
      const now = clock.now();
      const ttl = config.orders.staleOrderTtlMs;
      if (ttl > 0 && snapshot.openOrders.some((order) => now - order.createdTime > ttl)) {
        void o.orders.sweepStaleOrders(snapshot.openOrders).then(
          (cancelled) => cancelled > 0 && logger.info({ event: 'stale_orders_cancelled', cancelled }, `cancelled ${cancelled} stale order(s)`),
          (error: unknown) => logger.warn({ event: 'stale_order_sweep_failed', err: toBybotError(error).message }, 'stale order sweep failed'),
        );
      }
    },
    exchange: o.exchange,
    clock,
    logger,
    metrics: o.metrics,
    intervalMs: config.journal.syncIntervalMs,
    retentionDays: config.journal.retentionDays,
    sizeAlertBytes: config.journal.sizeAlertMb * 1e6,
    logDir: join(resolveDataDir(config), 'logs'),
  });
}
