import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * Order state and fills reach the journal from the push streams (Bybit's private
 * order/execution topics over the wire, or the engine's events in-process), not only from
 * the periodic REST sync: with the sync pushed out to once a day, the journal still holds
 * every fill and the final status of every entry.
 */
let h: AppHarness | undefined;
afterEach(async () => {
  await h?.app.stop();
  h = undefined;
});

async function compare(app: AppHarness) {
  const executions = await app.app.exchange.executions({ limit: 100 });
  const db = new Database(join(app.app.config.journal.dataDir, 'bybot.db'), { readonly: true });
  const fills = (db.prepare('SELECT exec_id FROM fills').all() as { exec_id: string }[]).map((r) => r.exec_id);
  const orders = db.prepare(`SELECT order_link_id, status, filled_qty FROM orders`).all() as { order_link_id: string; status: string; filled_qty: number }[];
  const streamed = (db.prepare(`SELECT COUNT(*) AS n FROM order_events WHERE kind = 'fill'`).get() as { n: number }).n;
  db.close();
  return { executions, fills, orders, streamed };
}

describe('journal fed by the account streams', () => {
  it.each([['inproc'], ['wire']] as const)('transport %s: every fill is journaled without waiting for the REST sync', async (transport) => {
    h = await startTestApp({ exchange: { transport }, journal: { syncIntervalMs: 86_400_000 } });
    await h.run(3 * 3_600_000, 5_000);
    // Let the last pushes arrive (wire: real sockets).
    for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 25));
    const { executions, fills, orders } = await compare(h);
    expect(executions.length).toBeGreaterThan(0);
    // The first sync ran at start (no fills yet); every fill since came from the stream.
    expect(new Set(fills)).toEqual(new Set(executions.map((e) => e.execId)));
    expect(orders.length).toBeGreaterThan(0);
    // Every entry the exchange filled is Filled in the journal with its full quantity. Over
    // the wire the clock runs on while a request is in flight, so the price can cross an
    // entry's stop before it arrives: the exchange refuses it (retCode 10001) and the journal
    // says Failed with that reason; such an order has no fill on the exchange.
    const filledByLink = new Map<string, number>();
    for (const e of executions) if (e.orderLinkId.startsWith('bb1-') && e.closedSize === 0) filledByLink.set(e.orderLinkId, (filledByLink.get(e.orderLinkId) ?? 0) + e.execQty);
    expect(filledByLink.size).toBeGreaterThan(0);
    for (const o of orders) {
      const filled = filledByLink.get(o.order_link_id);
      if (filled !== undefined) {
        expect(o.status, o.order_link_id).toBe('Filled');
        expect(o.filled_qty, o.order_link_id).toBeCloseTo(filled, 8);
      } else {
        expect(['Rejected', 'Failed'], `${o.order_link_id} ${o.status}`).toContain(o.status);
      }
    }
  }, 120_000);
});
