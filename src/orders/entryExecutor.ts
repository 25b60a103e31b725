import {
  DuplicateOrderError,
  OrderRejectedError,
  toBybotError,
  type BybotError,
} from '../domain/errors.ts';
import type { Order, PlaceOrderRequest } from '../domain/types.ts';
import type { Clock } from '../ports/clock.ts';
import { sleep } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import type { Random } from '../core/rng.ts';
import { fullJitterDelay } from '../core/supervision/policies.ts';
import type { EntryOrder, PlacedOrder } from '../../machines/strategy.types.ts';
import type { TradingGate } from '../runtime/tradingGate.ts';

export interface EntryExecutorOptions {
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  readonly gate: TradingGate;
  readonly random: Random;
  /** Attempts for transient failures (timeouts, 5xx, rate limits); default 3. */
  readonly maxAttempts?: number;
  readonly retryBaseMs?: number;
  readonly retryCapMs?: number;
}

/**
 * Places an approved entry as a market order with its stop-loss and take-profit attached,
 * idempotently: the orderLinkId is derived from (strategy, symbol, candle, side), so when
 * the outcome of a create is unknown (timeout, 5xx) the order is looked up by that id
 * before any retry, and a duplicate-id answer means "already placed", never "place again".
 * Only transient errors are retried, with full-jitter backoff on the injected clock.
 */
export class EntryExecutor {
  private readonly leverage = new Map<string, number>();

  constructor(private readonly options: EntryExecutorOptions) {}

  submit(order: EntryOrder): Promise<PlacedOrder> {
    this.options.gate.assertCanOpen();
    return this.options.gate.track(this.place(order));
  }

  private async place(order: EntryOrder): Promise<PlacedOrder> {
    const { exchange } = this.options;
    const { entry } = order;
    await this.ensureLeverage(order.symbol, entry.leverage);

    const request: PlaceOrderRequest = {
      symbol: order.symbol,
      side: entry.side,
      orderType: 'Market',
      qty: entry.qty,
      orderLinkId: order.orderLinkId,
      stopLoss: entry.stopLoss,
      takeProfit: entry.takeProfit,
    };
    const maxAttempts = this.options.maxAttempts ?? 3;
    let adopted = false;
    for (let attempt = 0; ; attempt++) {
      try {
        this.options.gate.assertCanOpen();
        await exchange.placeOrder(request);
        break;
      } catch (raw) {
        const error = toBybotError(raw);
        if (error instanceof DuplicateOrderError) {
          adopted = true;
          break;
        }
        if (!error.retryable) throw error;
        // Unknown outcome: the exchange may have accepted it. Look before retrying.
        const existing = await this.lookup(order).catch(() => null);
        if (existing) {
          adopted = true;
          break;
        }
        if (attempt + 1 >= maxAttempts) throw error;
        await sleep(this.options.clock, this.retryDelay(attempt, error));
      }
    }
    return this.confirm(order, adopted);
  }

  private retryDelay(attempt: number, error: BybotError): number {
    const base = this.options.retryBaseMs ?? 500;
    const jittered = fullJitterDelay(attempt, base, this.options.retryCapMs ?? 10_000, this.options.random);
    const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs ?? 0;
    return Math.max(jittered, retryAfter);
  }

  private lookup(order: EntryOrder): Promise<Order | null> {
    return this.options.exchange.findOrder({ symbol: order.symbol, orderLinkId: order.orderLinkId });
  }

  /** Reads the order back: a rejected or cancelled-unfilled entry is a failed iteration. */
  private async confirm(order: EntryOrder, adopted: boolean): Promise<PlacedOrder> {
    const found = await this.lookup(order);
    if (!found) {
      // Accepted but not yet visible (Bybit processes asynchronously): report as submitted.
      return { orderId: '', orderLinkId: order.orderLinkId, status: 'New', filledQty: 0, avgPrice: 0, adopted };
    }
    if ((found.status === 'Rejected' || found.status === 'Cancelled' || found.status === 'Deactivated') && found.cumExecQty === 0) {
      throw new OrderRejectedError(`entry ${order.orderLinkId} ${found.status}: ${found.rejectReason || 'no reason given'}`, {
        details: { orderLinkId: order.orderLinkId, status: found.status, rejectReason: found.rejectReason },
      });
    }
    return {
      orderId: found.orderId,
      orderLinkId: found.orderLinkId,
      status: found.status,
      filledQty: found.cumExecQty,
      avgPrice: found.avgPrice,
      adopted,
    };
  }

  private async ensureLeverage(symbol: string, leverage: number): Promise<void> {
    if (this.leverage.get(symbol) === leverage) return;
    await this.options.exchange.setLeverage(symbol, leverage);
    this.leverage.set(symbol, leverage);
  }
}
