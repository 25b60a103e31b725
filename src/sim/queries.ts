import type { Execution, Order, Position } from '../domain/types.ts';
import type { ExecutionQuery, OrderLookup } from '../ports/exchange.ts';
import type { EngineCore } from './engineCore.ts';
import { stopOrderView } from './views.ts';

/*
 * Read-only views of the engine's state. Each returns copies, so a caller cannot change
 * the book by mutating what it got; the engine syncs before calling them.
 */

/** Open and recently closed orders (including TP/SL order records), newest first. */
export function orderHistory(core: EngineCore, symbol?: string): Order[] {
  return core.orders.recent(symbol).map((o) => ({ ...o }));
}

/** Open positions; with a symbol, that symbol's row even when flat. */
export function positions(core: EngineCore, symbol?: string): Position[] {
  if (symbol !== undefined) {
    core.options.market.instrument(symbol);
    return [core.positionView(core.account.position(symbol))];
  }
  return core.account.open().map((p) => core.positionView(p));
}

/** Resting orders, then each position's TP/SL as an Untriggered conditional order. */
export function openOrders(core: EngineCore, symbol?: string): Order[] {
  const out: Order[] = core.orders.open(symbol).map((o) => ({ ...o }));
  for (const position of core.account.open()) {
    if (symbol !== undefined && position.symbol !== symbol) continue;
    if (position.stopLoss) out.push(stopOrderView(position, 'StopLoss', 'Untriggered'));
    if (position.takeProfit) out.push(stopOrderView(position, 'TakeProfit', 'Untriggered'));
  }
  return out;
}

export function findOrder(core: EngineCore, lookup: OrderLookup): Order | null {
  const order = core.orders.find(lookup.orderId, lookup.orderLinkId);
  if (order && order.symbol === lookup.symbol) return { ...order };
  const position = core.account.position(lookup.symbol);
  if (lookup.orderId && lookup.orderId === position.slOrderId) return stopOrderView(position, 'StopLoss', 'Untriggered');
  if (lookup.orderId && lookup.orderId === position.tpOrderId) return stopOrderView(position, 'TakeProfit', 'Untriggered');
  return null;
}

export function executions(core: EngineCore, query: ExecutionQuery): Execution[] {
  const limit = query.limit === undefined ? 50 : Math.min(1000, Math.max(1, Math.floor(query.limit)));
  return core.orders.executions(query.symbol, query.startTime, limit);
}
