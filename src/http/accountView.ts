import type { Runtime } from '../runtime/createRuntime.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The account part of /actors and /status: positions, our open orders, the order queue. */
export function accountView(runtime: Runtime) {
  const snapshot = runtime.accountSnapshot;
  return {
    syncedAt: snapshot ? iso(snapshot.at) : null,
    equity: snapshot?.equity ?? null,
    availableBalance: snapshot?.availableBalance ?? null,
    positions: (snapshot?.positions ?? []).map((p) => ({
      symbol: p.symbol,
      side: p.side,
      size: p.size,
      avgPrice: p.avgPrice,
      stopLoss: p.stopLoss,
      takeProfit: p.takeProfit,
      unrealisedPnl: p.unrealisedPnl,
      protected: p.stopLoss > 0,
    })),
    openOrders: (snapshot?.openOrders ?? []).map((o) => ({
      symbol: o.symbol,
      orderLinkId: o.orderLinkId,
      side: o.side,
      orderType: o.orderType,
      price: o.price,
      qty: o.qty,
      status: o.status,
      createdAt: iso(o.createdTime),
    })),
    orderQueue: { depth: runtime.orders.queue.depth(), running: runtime.orders.queue.current() },
    reconciliation: runtime.reconciliation.summary ? { ...runtime.reconciliation.summary, at: iso(runtime.reconciliation.summary.at) } : null,
  };
}
