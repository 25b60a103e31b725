import { toBybotError, type BybotError } from '../domain/errors.ts';
import type { Journal } from '../journal/journal.ts';
import type { Logger } from '../observability/logger.ts';
import type { OrderManager } from '../orders/orderManager.ts';
import { sleep, type Clock } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import { reconcile, type ReconcileSummary } from './reconcile.ts';

/** The start-up reconciliation as /ready and /status show it. */
export interface ReconciliationState {
  readonly done: boolean;
  readonly error: string | null;
  readonly summary: ReconcileSummary | null;
}

export interface ReconcileUntilDoneOptions {
  readonly exchange: ExchangePort;
  readonly orders: OrderManager;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly journal?: Journal;
  /** True once the runtime is stopping: no more attempts. */
  readonly stopping: () => boolean;
  /** Every change of the state (attempt started, failed, done). */
  readonly onState: (state: ReconciliationState) => void;
}

/**
 * Reconciles the journal with the exchange before any actor trades, retrying with backoff
 * on the clock (1 s doubling up to 60 s) while the exchange does not answer. A system-level
 * error (authentication, another account's journal) ends it: `fatal` is that error, for the
 * emergency stop.
 */
export async function reconcileUntilDone(o: ReconcileUntilDoneOptions): Promise<{ readonly fatal: BybotError | null }> {
  const { exchange, clock, logger, journal } = o;
  for (let attempt = 0; !o.stopping(); attempt++) {
    try {
      o.onState({ done: false, error: null, summary: null });
      // The journal belongs to one exchange account: refuse another account's.
      if (journal && exchange.accountId) journal.bindAccount(await exchange.accountId());
      const summary = await reconcile({ exchange, orders: o.orders, clock, logger, ...(journal ? { journal } : {}) });
      o.onState({ done: true, error: null, summary });
      return { fatal: null };
    } catch (error) {
      const typed = toBybotError(error);
      o.onState({ done: false, error: `${typed.code}: ${typed.message}`, summary: null });
      logger.warn({ event: 'reconcile_failed', code: typed.code, err: typed.message, attempt }, `start-up reconciliation failed, retrying: ${typed.message}`);
      if (typed.level === 'system') return { fatal: typed };
      await sleep(clock, Math.min(60_000, 1_000 * 2 ** attempt)).catch(() => undefined);
    }
  }
  return { fatal: null };
}
