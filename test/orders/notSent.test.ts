import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/rng.ts';
import { buildOrderLinkId } from '../../src/core/orders/orderLinkId.ts';
import type { Balance } from '../../src/domain/types.ts';
import { Journal } from '../../src/journal/journal.ts';
import { OrderManager } from '../../src/orders/orderManager.ts';
import type { ExchangePort } from '../../src/ports/exchange.ts';
import { TradingGate } from '../../src/runtime/tradingGate.ts';
import type { EntryOrder } from '../../machines/strategy.types.ts';
import { makeSim } from '../sim/simFixture.ts';

/**
 * Order intents queued but never sent end with a terminal NotSent status, so a clean stop
 * leaves no row in 'Intent' (finding 3): the gate closes while entries wait in the queue.
 */
function entry(symbol: string, candleStart: number, price: number): EntryOrder {
  return {
    actorId: `${symbol}:range-v1`,
    symbol,
    presetId: 'range-v1',
    strategyType: 'range',
    correlationId: `${symbol}:range-v1#t.${candleStart}`,
    orderLinkId: buildOrderLinkId({ strategyId: 'range-v1', symbol, candleStart, side: 'Buy', purpose: 'entry' }),
    candleStart,
    entry: { allowed: true, side: 'Buy', qty: 0.01, entryPrice: price, stopLoss: price * 0.99, takeProfit: price * 1.03, leverage: 1, notional: price * 0.01, riskAmount: 1, rewardRisk: 3, cappedBy: [], reason: 'test' },
    signal: { score: 1, factors: {}, mode: 'full' },
  } as EntryOrder;
}

describe('intents that were never sent', () => {
  it('end as NotSent when the gate closes while they wait in the queue', async () => {
    const { clock, sim } = makeSim();
    const journal = Journal.open(join(mkdtempSync(join(tmpdir(), 'bybot-notsent-')), 'j.db'));
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const port: ExchangePort = Object.create(sim.port) as ExchangePort;
    let first = true;
    // The first entry's balance read hangs until released: the second entry waits behind it.
    port.balance = async (options): Promise<Balance> => {
      if (first) {
        first = false;
        await blocked;
      }
      return sim.port.balance(options);
    };
    const gate = new TradingGate();
    const manager = new OrderManager({ exchange: port, clock, gate, random: mulberry32(1), instrument: (s) => sim.port.instrument(s), maxLeverage: 5, events: journal });
    const price = (await sim.port.ticker('BTCUSDT')).lastPrice;
    const a = manager.submit(entry('BTCUSDT', Date.UTC(2026, 0, 2, 0, 0), price)).catch((e: unknown) => e);
    const b = manager.submit(entry('BTCUSDT', Date.UTC(2026, 0, 2, 0, 5), price)).catch((e: unknown) => e);
    gate.beginShutdown();
    release();
    await Promise.all([a, b]);

    const rows = (journal as unknown as { db: { prepare(sql: string): { all(): { status: string }[] } } }).db.prepare('SELECT status FROM orders').all();
    expect(rows.map((r) => r.status)).toEqual(['NotSent', 'NotSent']);
    expect(journal.pendingOrders()).toEqual([]);
    expect(journal.verify().ok).toBe(true);
    journal.close();
  });

  it('an entry whose stop the last price already crossed is journaled Rejected with the reason, and never sent', async () => {
    const { clock, sim } = makeSim();
    const journal = Journal.open(join(mkdtempSync(join(tmpdir(), 'bybot-crossed-')), 'j.db'));
    const price = (await sim.port.ticker('BTCUSDT')).lastPrice;
    const order = entry('BTCUSDT', Date.UTC(2026, 0, 2, 0, 0), price);
    const creates: string[] = [];
    const port: ExchangePort = Object.create(sim.port) as ExchangePort;
    port.placeOrder = (request, options) => {
      creates.push(request.orderLinkId);
      return sim.port.placeOrder(request, options);
    };
    // The price fell through the long's stop while the entry waited.
    const manager = new OrderManager({ exchange: port, clock, gate: new TradingGate(), random: mulberry32(1), instrument: (s) => sim.port.instrument(s), maxLeverage: 5, events: journal, lastPrice: () => order.entry.stopLoss * 0.999 });
    const result = await manager.submit(order);
    expect(result).toMatchObject({ status: 'Rejected', filledQty: 0 });
    expect(creates).toEqual([]);
    const db = (journal as unknown as { db: { prepare(sql: string): { all(): Record<string, unknown>[] } } }).db;
    expect(db.prepare('SELECT status FROM orders').all()).toEqual([{ status: 'Rejected' }]);
    const events = db.prepare('SELECT kind, detail FROM order_events ORDER BY id').all() as { kind: string; detail: string }[];
    expect(events.map((e) => e.kind)).toEqual(['intent', 'outcome']);
    expect(JSON.parse(events[1]!.detail).note).toMatch(/^not sent: the last price .* already crossed the stop-loss .* of the long/);
    expect(journal.pendingOrders()).toEqual([]);
    expect(journal.verify().ok).toBe(true);
    journal.close();
  });

  it('a shutdown marks every intent still queued NotSent (with an order event in the checksum chain)', () => {
    const journal = Journal.open(join(mkdtempSync(join(tmpdir(), 'bybot-notsent-')), 'j.db'));
    journal.intent(entry('ETHUSDT', 1, 3000), 1);
    journal.intent(entry('SOLUSDT', 2, 150), 2);
    expect(journal.markUnsentIntents('not sent before shutdown', 3)).toBe(2);
    expect(journal.pendingOrders()).toEqual([]);
    expect(journal.verify()).toMatchObject({ ok: true, orderEvents: 4 });
    journal.close();
  });
});
