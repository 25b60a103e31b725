import Database from 'better-sqlite3';
import { z } from 'zod';
import { parseOrderLinkId } from '../core/orders/orderLinkId.ts';
import { ORDER_LINK_PREFIX } from '../core/orders/orderLinkId.ts';

/**
 * The account audit of the crash test and the soak: the simulator server's own view of
 * every order and position (GET /__sim/orders) against the bot's journal. What must never
 * happen: one orderLinkId twice on the exchange, an entry order the journal does not know
 * (or a journaled order the exchange never saw, unless the journal says it was never
 * sent), a journal row that disagrees with the exchange, an open position without a stop.
 */
const SimOrders = z.object({
  orders: z.array(z.object({ orderId: z.string(), orderLinkId: z.string(), symbol: z.string(), status: z.string(), qty: z.number(), cumExecQty: z.number(), stopOrderType: z.string() })),
  positions: z.array(z.object({ symbol: z.string(), side: z.string(), size: z.number(), stopLoss: z.number(), takeProfit: z.number() })),
});
export type SimAccount = z.infer<typeof SimOrders>;

/** Journal statuses of orders that never reached the exchange (so the exchange may not know them). */
export const NEVER_ON_EXCHANGE = ['NotFound', 'Failed', 'Rejected', 'NotSent'] as const;

export interface AuditResult {
  /** Orders of ours (prefix bb1-) the exchange remembers. */
  readonly orders: number;
  readonly entryOrders: number;
  readonly journalOrders: number;
  /** orderLinkIds that exist more than once on the exchange. */
  readonly duplicates: readonly string[];
  /** Entry orders on the exchange the journal lacks, and journaled orders the exchange never saw. */
  readonly lostOrders: readonly string[];
  /** Known to both, but status or filled quantity differ. */
  readonly mismatches: readonly string[];
  /** Open positions without a stop-loss. */
  readonly unprotectedPositions: readonly string[];
  readonly openPositions: number;
}

export async function fetchSimAccount(simUrl: string, headers: Record<string, string> = {}): Promise<SimAccount> {
  const response = await fetch(`${simUrl}/__sim/orders`, { headers, signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`GET ${simUrl}/__sim/orders answered ${response.status}`);
  return SimOrders.parse(await response.json());
}

export function auditAccount(account: SimAccount, journalPath: string): AuditResult {
  const ours = account.orders.filter((o) => o.orderLinkId.startsWith(ORDER_LINK_PREFIX));
  const byLink = new Map<string, typeof ours>();
  for (const o of ours) byLink.set(o.orderLinkId, [...(byLink.get(o.orderLinkId) ?? []), o]);
  const duplicates = [...byLink.entries()].filter(([, list]) => list.length > 1).map(([link]) => link);

  const db = new Database(journalPath, { readonly: true, fileMustExist: true });
  const journal = db.prepare('SELECT order_link_id, status, filled_qty FROM orders').all() as { order_link_id: string; status: string; filled_qty: number }[];
  db.close();
  const journalByLink = new Map(journal.map((r) => [r.order_link_id, r]));
  const lostOrders: string[] = [];
  const mismatches: string[] = [];
  let entryOrders = 0;
  for (const o of ours) {
    if (parseOrderLinkId(o.orderLinkId)?.purpose !== 'entry') continue;
    entryOrders++;
    const j = journalByLink.get(o.orderLinkId);
    if (!j) lostOrders.push(`${o.orderLinkId}: on the exchange (${o.status}), not in the journal`);
    else if (j.status !== o.status || Math.abs(j.filled_qty - o.cumExecQty) > 1e-9) mismatches.push(`${o.orderLinkId}: journal ${j.status}/${j.filled_qty}, exchange ${o.status}/${o.cumExecQty}`);
  }
  for (const j of journal) {
    if (!byLink.has(j.order_link_id) && !(NEVER_ON_EXCHANGE as readonly string[]).includes(j.status)) lostOrders.push(`${j.order_link_id}: journal ${j.status}, not on the exchange`);
  }
  const open = account.positions.filter((p) => p.size > 0);
  const unprotectedPositions = open.filter((p) => !(p.stopLoss > 0)).map((p) => `${p.symbol} ${p.side} ${p.size}`);
  return { orders: ours.length, entryOrders, journalOrders: journal.length, duplicates, lostOrders, mismatches, unprotectedPositions, openPositions: open.length };
}
