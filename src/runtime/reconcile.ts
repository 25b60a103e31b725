import { ORDER_LINK_PREFIX } from '../core/orders/orderLinkId.ts';
import type { Clock } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import type { Logger } from '../observability/logger.ts';
import type { OrderManager } from '../orders/orderManager.ts';
import type { Journal } from '../journal/journal.ts';

export interface ReconcileSummary {
  readonly at: number;
  readonly openOrders: number;
  readonly ourOpenOrders: number;
  /** Orders of ours on the exchange that the journal did not know (adopted now). */
  readonly adopted: number;
  /** Journal entries that were pending when we stopped, now resolved from the exchange. */
  readonly pendingResolved: number;
  /** Pending journal entries the exchange never saw (the create never arrived). */
  readonly neverReached: number;
  /** Orders without our prefix: flagged, never touched. */
  readonly foreignOrders: readonly string[];
  /** Fills that happened while we were down (recorded now). */
  readonly fillsWhileDown: number;
  readonly positions: number;
  /** Positions found without a stop-loss (a stop was set or the position flattened). */
  readonly unprotectedPositions: number;
}

export interface ReconcileDeps {
  readonly exchange: ExchangePort;
  readonly orders: OrderManager;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly journal?: Journal;
}

const DAY = 86_400_000;

/**
 * Crash-only start-up (STYLE.md, NautilusTrader): before any actor trades, read what the
 * exchange says is true (open orders, positions, recent fills), compare it with the
 * journal, adopt what is ours by orderLinkId prefix, record what happened while we were
 * down, flag foreign orders without touching them, and make sure every open position has
 * a stop-loss. The same path runs after a clean stop and after a SIGKILL.
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileSummary> {
  const { exchange, journal, clock, logger } = deps;
  const now = clock.now();
  const [open, positions] = await Promise.all([exchange.openOrders(), exchange.positions()]);
  const plain = open.filter((o) => o.stopOrderType === '');
  const ours = plain.filter((o) => o.orderLinkId.startsWith(ORDER_LINK_PREFIX));
  const foreign = plain.filter((o) => !o.orderLinkId.startsWith(ORDER_LINK_PREFIX)).map((o) => `${o.symbol}:${o.orderId}${o.orderLinkId ? `(${o.orderLinkId})` : ''}`);

  let adopted = 0;
  let pendingResolved = 0;
  let neverReached = 0;
  let fillsWhileDown = 0;
  if (journal) {
    const known = journal.orderLinkIds();
    for (const o of ours) {
      if (known.has(o.orderLinkId)) continue;
      journal.adoptOrder({ orderLinkId: o.orderLinkId, orderId: o.orderId, symbol: o.symbol, side: o.side, qty: o.qty, price: o.price, status: o.status, filledQty: o.cumExecQty, avgPrice: o.avgPrice, at: now });
      adopted++;
    }
    for (const pending of journal.pendingOrders()) {
      const found = await exchange.findOrder({ symbol: pending.symbol, orderLinkId: pending.orderLinkId });
      if (found) {
        journal.adoptOrder({
          orderLinkId: found.orderLinkId,
          orderId: found.orderId,
          symbol: found.symbol,
          side: found.side,
          qty: found.qty,
          price: found.price,
          status: found.status,
          filledQty: found.cumExecQty,
          avgPrice: found.avgPrice,
          at: now,
        });
        pendingResolved++;
      } else {
        journal.adoptOrder({ orderLinkId: pending.orderLinkId, orderId: '', symbol: pending.symbol, side: '', qty: 0, price: 0, status: 'NotFound', filledQty: 0, avgPrice: 0, at: now });
        neverReached++;
      }
    }
    const since = journal.lastFillTime() ?? now - DAY;
    for (let page = 0; page < 10; page++) {
      const executions = await exchange.executions({ startTime: since, limit: 100 });
      const added = journal.recordFills(executions, now);
      fillsWhileDown += added;
      if (added === 0 || executions.length < 100) break;
    }
  }

  let unprotected = 0;
  for (const position of positions) {
    if (position.size > 0 && position.stopLoss <= 0) {
      unprotected++;
      await deps.orders.protect(position.symbol, 0, `reconcile#${now.toString(36)}`);
    }
  }
  const summary: ReconcileSummary = {
    at: now,
    openOrders: plain.length,
    ourOpenOrders: ours.length,
    adopted,
    pendingResolved,
    neverReached,
    foreignOrders: foreign,
    fillsWhileDown,
    positions: positions.length,
    unprotectedPositions: unprotected,
  };
  journal?.recordReconciliation(now, summary);
  if (foreign.length > 0) {
    logger.warn({ event: 'foreign_orders', orders: foreign }, `${foreign.length} open order(s) without our orderLinkId prefix: left untouched`);
  }
  logger.info(
    { event: 'reconciled', ...summary },
    `reconciled with the exchange: ${ours.length} open order(s) of ours (${adopted} adopted), ${pendingResolved} pending resolved, ${neverReached} never reached the exchange, ${fillsWhileDown} fill(s) while down, ${positions.length} position(s), ${unprotected} without a stop`,
  );
  return summary;
}
