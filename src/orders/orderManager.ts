import { DuplicateOrderError, InvalidRequestError, OrderRejectedError, toBybotError, type BybotError } from '../domain/errors.ts';
import type { Instrument, Order, PlaceOrderRequest, Position } from '../domain/types.ts';
import type { Clock } from '../ports/clock.ts';
import { sleep } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import type { Random } from '../core/rng.ts';
import { fullJitterDelay } from '../core/supervision/policies.ts';
import { buildOrderLinkId, ORDER_LINK_PREFIX } from '../core/orders/orderLinkId.ts';
import { ceilToStep, floorToStep } from '../core/steps.ts';
import type { EntryOrder, PlacedOrder } from '../../machines/strategy.types.ts';
import type { ResizeOrder } from '../core/portfolio/types.ts';
import type { TradingGate } from '../runtime/tradingGate.ts';
import { fitToMargin } from './marginFit.ts';
import { NO_ORDER_EVENTS, type OrderEventSink } from './orderEvents.ts';
import { OrderQueue, type QueueObserver } from './orderQueue.ts';

export interface OrderManagerOptions {
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  readonly gate: TradingGate;
  readonly random: Random;
  readonly instrument: (symbol: string) => Promise<Instrument>;
  /** Highest leverage the risk limits allow. */
  readonly maxLeverage: number;
  readonly events?: OrderEventSink;
  readonly queueObserver?: QueueObserver;
  /** Attempts for transient failures (timeouts, 5xx, rate limits); default 3. */
  readonly maxAttempts?: number;
  readonly retryBaseMs?: number;
  readonly retryCapMs?: number;
  /** A position without its stop is repaired or flattened within this time (simulated ms). */
  readonly protectDeadlineMs?: number;
  /** Our resting limit orders older than this are cancelled (0 = never). */
  readonly staleOrderTtlMs?: number;
  /**
   * Backtests only: a gate each entry passes before it joins the queue. The lock-step
   * actor engine holds entries until every actor ticked at the same close has decided,
   * then admits them in actor order (the fast engine's ordering rule).
   */
  readonly admit?: (ticket: AdmitTicket) => Promise<void>;
}

/** What the backtests' admission gate orders by: the actor, and whether it is a rebalance's reduction (those go first). */
export interface AdmitTicket {
  readonly actorId: string;
  readonly reduce?: boolean;
}

/**
 * Order manager (backlog B4.1): one queue and one worker per account.
 *
 * An entry is placed idempotently: its orderLinkId is derived from (strategy, symbol,
 * candle, side), so when the outcome of a create is unknown (timeout, 5xx) the order is
 * looked up by that id before any retry, and a duplicate-id answer means "already placed",
 * never "place again". Only transient errors are retried, with full-jitter backoff on the
 * injected clock. Just before sending, the size is fitted to the margin available now.
 * After the fill the position must carry a stop-loss: it is set if missing, and if that
 * fails the position is flattened with a reduce-only order, all within a bounded time.
 */
export class OrderManager {
  readonly queue: OrderQueue;
  private readonly leverage = new Map<string, number>();
  private readonly events: OrderEventSink;

  constructor(private readonly options: OrderManagerOptions) {
    this.queue = new OrderQueue(options.queueObserver);
    this.events = options.events ?? NO_ORDER_EVENTS;
  }

  submit(order: EntryOrder): Promise<PlacedOrder> {
    this.options.gate.assertCanOpen();
    this.events.intent(order, this.options.clock.now());
    const enqueue = (): Promise<PlacedOrder> => this.queue.enqueue('entry', order.orderLinkId, () => this.place(order));
    const admit = this.options.admit;
    return this.options.gate.track(admit ? admit(order).then(enqueue) : enqueue());
  }

  /** Makes sure an open position of ours has a stop-loss (used at start-up and after fills). */
  protect(symbol: string, stopLoss: number, correlationId: string): Promise<void> {
    return this.options.gate.track(this.queue.enqueue('protect', `protect:${symbol}`, () => this.ensureStop(symbol, stopLoss, correlationId)));
  }

  /**
   * A rebalance's reduction of an open position (portfolio.resizeOpen): a reduce-only market
   * order of `order.qty`, through the queue ahead of entries (after protective work). It is
   * idempotent by its deterministic orderLinkId: an unknown outcome is looked up before a
   * retry, a duplicate-id answer means "already placed". The position's stop-loss is
   * position-wide (Bybit tpslMode Full), so the remaining size keeps it; the stop guarantee
   * checks it after the fill all the same. Never opens or adds: a position gone or turned
   * since the decision is left alone; a smaller one is closed at most.
   */
  reduce(order: ResizeOrder, correlationId: string): Promise<'reduced' | 'skipped'> {
    const run = (): Promise<'reduced' | 'skipped'> => this.queue.enqueue('reduce', `reduce:${order.orderLinkId}`, () => this.placeReduce(order, correlationId));
    const admit = this.options.admit;
    return this.options.gate.track(admit ? admit({ actorId: `${order.symbol}:${order.presetId}`, reduce: true }).then(run) : run());
  }

  private async placeReduce(order: ResizeOrder, correlationId: string): Promise<'reduced' | 'skipped'> {
    const { exchange, clock } = this.options;
    const position = (await exchange.positions(order.symbol)).find((p) => p.size > 0);
    if (!position || position.side === order.side) {
      this.events.protection(order.symbol, 'reduced', `rebalance reduction ${order.orderLinkId} not sent: the position is no longer open on that side (${correlationId})`, clock.now());
      return 'skipped';
    }
    const qty = Math.min(order.qty, position.size);
    const request: PlaceOrderRequest = { symbol: order.symbol, side: order.side, orderType: 'Market', qty, reduceOnly: true, orderLinkId: order.orderLinkId };
    const maxAttempts = this.options.maxAttempts ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        await exchange.placeOrder(request);
        break;
      } catch (raw) {
        const error = toBybotError(raw);
        if (error instanceof DuplicateOrderError) break;
        const existing = error.retryable ? await exchange.findOrder({ symbol: order.symbol, orderLinkId: order.orderLinkId }).catch(() => null) : null;
        if (existing) break;
        if (!error.retryable || attempt + 1 >= maxAttempts) {
          this.events.protection(order.symbol, 'reduced', `rebalance reduction ${order.orderLinkId} failed (${error.code}): ${error.message} (${correlationId})`, clock.now());
          throw error;
        }
        await sleep(clock, this.retryDelay(attempt, error));
      }
    }
    this.events.protection(order.symbol, 'reduced', `${position.side} ${position.size} reduced by ${qty} (${order.orderLinkId}): budget ${order.budget.toFixed(2)} below used ${order.used.toFixed(2)} (${correlationId})`, clock.now());
    await this.ensureStop(order.symbol, position.stopLoss, correlationId);
    return 'reduced';
  }

  /**
   * Amends a resting order of ours (price and/or qty), through the queue so it cannot race
   * an entry. Values must already be on the instrument's grid; the exchange checks them.
   */
  amend(symbol: string, orderLinkId: string, change: { readonly qty?: number; readonly price?: number }): Promise<void> {
    return this.queue.enqueue('cancel', `amend:${orderLinkId}`, async () => {
      this.requireOurs(orderLinkId);
      await this.options.exchange.amendOrder({ symbol, orderLinkId, ...change });
      this.events.changed(orderLinkId, 'amended', { ...change }, this.options.clock.now());
    });
  }

  /** Cancels one resting order of ours. */
  cancel(symbol: string, orderLinkId: string): Promise<void> {
    return this.queue.enqueue('cancel', `cancel:${orderLinkId}`, async () => {
      this.requireOurs(orderLinkId);
      await this.options.exchange.cancelOrder({ symbol, orderLinkId });
      this.events.changed(orderLinkId, 'cancelled', {}, this.options.clock.now());
    });
  }

  private requireOurs(orderLinkId: string): void {
    // Foreign orders are never touched (reconciliation flags them; a human decides).
    if (!orderLinkId.startsWith(ORDER_LINK_PREFIX)) throw new InvalidRequestError(`order ${orderLinkId} is not ours (no ${ORDER_LINK_PREFIX} prefix): not touched`);
  }

  /**
   * Cancels our resting (non-stop) orders older than the TTL. Returns how many were
   * cancelled. `known` is the open-order list the caller just read, to avoid reading it again.
   */
  sweepStaleOrders(known?: readonly Order[]): Promise<number> {
    const ttl = this.options.staleOrderTtlMs ?? 0;
    if (ttl <= 0) return Promise.resolve(0);
    return this.queue.enqueue('cancel', 'sweep', async () => {
      const now = this.options.clock.now();
      const open = known ?? (await this.options.exchange.openOrders());
      const stale = open.filter((o) => o.orderLinkId.startsWith(ORDER_LINK_PREFIX) && o.stopOrderType === '' && now - o.createdTime > ttl);
      let cancelled = 0;
      for (const o of stale) {
        try {
          await this.options.exchange.cancelOrder({ symbol: o.symbol, orderId: o.orderId });
          this.events.changed(o.orderLinkId, 'cancelled', { reason: `older than ${ttl} ms` }, now);
          cancelled++;
        } catch {
          // Already filled or cancelled: the next sweep sees the truth.
        }
      }
      return cancelled;
    });
  }

  private async place(order: EntryOrder): Promise<PlacedOrder> {
    const { exchange, clock } = this.options;
    const { entry } = order;
    this.assertCanSend(order);

    const [instrument, balance, positions] = await Promise.all([this.options.instrument(order.symbol), exchange.balance(), exchange.positions(order.symbol)]);
    // The risk decision saw the account when the actor fetched; another actor on the same
    // symbol may have opened a position since. One-way mode: a second entry would add to it,
    // or (opposite side) close it. The risk rule is one position per symbol; apply it again.
    const held = positions.find((p) => p.size > 0);
    if (held && (await this.lookup(order).catch(() => null))) {
      // This very entry is already on the exchange (a restart re-sent the intent): adopt it.
      const adopted = await this.confirm(order, true);
      this.events.outcome(order, adopted, clock.now());
      return adopted;
    }
    if (held) {
      const denied: PlacedOrder = {
        orderId: '',
        orderLinkId: order.orderLinkId,
        status: 'Rejected',
        filledQty: 0,
        avgPrice: 0,
        adopted: false,
        note: `not sent: a ${held.side} position of ${held.size} ${order.symbol} was opened since the risk decision`,
      };
      this.events.outcome(order, denied, clock.now());
      return denied;
    }
    const fit = fitToMargin({
      qty: entry.qty,
      price: entry.entryPrice,
      leverage: entry.leverage,
      availableBalance: balance.availableBalance,
      instrument,
      maxLeverage: this.options.maxLeverage,
    });
    if (!fit.ok) {
      const denied: PlacedOrder = { orderId: '', orderLinkId: order.orderLinkId, status: 'Rejected', filledQty: 0, avgPrice: 0, adopted: false, note: `not sent: ${fit.reason}` };
      this.events.outcome(order, denied, clock.now());
      return denied;
    }
    await this.ensureLeverage(order.symbol, fit.leverage);

    const request: PlaceOrderRequest = {
      symbol: order.symbol,
      side: entry.side,
      orderType: 'Market',
      qty: fit.qty,
      orderLinkId: order.orderLinkId,
      stopLoss: entry.stopLoss,
      takeProfit: entry.takeProfit,
    };
    const maxAttempts = this.options.maxAttempts ?? 3;
    let adopted = false;
    for (let attempt = 0; ; attempt++) {
      if (attempt === 0) this.assertCanSend(order);
      try {
        if (attempt > 0) this.options.gate.assertCanOpen();
        this.events.submitted(order, request, attempt, clock.now());
        await exchange.placeOrder(request);
        break;
      } catch (raw) {
        const error = toBybotError(raw);
        if (error instanceof DuplicateOrderError) {
          adopted = true;
          break;
        }
        if (!error.retryable) {
          this.events.failed(order, error.code, error.message, clock.now());
          throw error;
        }
        // Unknown outcome: the exchange may have accepted it. Look before retrying.
        const existing = await this.lookup(order).catch(() => null);
        if (existing) {
          adopted = true;
          break;
        }
        if (attempt + 1 >= maxAttempts) {
          this.events.failed(order, error.code, error.message, clock.now());
          throw error;
        }
        await sleep(clock, this.retryDelay(attempt, error));
      }
    }
    const result = await this.confirm(order, adopted, fit.shrunk ? `size fitted to available margin: ${fit.qty} of ${entry.qty}` : undefined);
    this.events.outcome(order, result, clock.now());
    if (result.filledQty > 0) await this.ensureStop(order.symbol, entry.stopLoss, order.correlationId);
    return result;
  }

  /** The gate closed before the first send: the intent ends as NotSent (terminal), not as a pending Intent. */
  private assertCanSend(order: EntryOrder): void {
    try {
      this.options.gate.assertCanOpen();
    } catch (error) {
      this.events.notSent(order, toBybotError(error).message, this.options.clock.now());
      throw error;
    }
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
  private async confirm(order: EntryOrder, adopted: boolean, note?: string): Promise<PlacedOrder> {
    const found = await this.lookup(order);
    if (!found) {
      // Accepted but not yet visible (Bybit processes asynchronously): report as submitted.
      return { orderId: '', orderLinkId: order.orderLinkId, status: 'New', filledQty: 0, avgPrice: 0, adopted, ...(note ? { note } : {}) };
    }
    if ((found.status === 'Rejected' || found.status === 'Cancelled' || found.status === 'Deactivated') && found.cumExecQty === 0) {
      this.events.failed(order, 'ORDER_REJECTED', `${found.status}: ${found.rejectReason || 'no reason given'}`, this.options.clock.now());
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
      ...(note ? { note } : {}),
    };
  }

  private async ensureLeverage(symbol: string, leverage: number): Promise<void> {
    if (this.leverage.get(symbol) === leverage) return;
    await this.options.exchange.setLeverage(symbol, leverage);
    this.leverage.set(symbol, leverage);
  }

  /**
   * A position of ours must carry a stop-loss. Set it if missing; if that keeps failing
   * until the deadline, close the position (reduce-only market) rather than leave it open
   * unprotected.
   */
  private async ensureStop(symbol: string, stopLoss: number, correlationId: string): Promise<void> {
    const { exchange, clock } = this.options;
    const deadline = clock.now() + (this.options.protectDeadlineMs ?? 30_000);
    let lastError = '';
    for (let attempt = 0; clock.now() <= deadline; attempt++) {
      try {
        const position = (await exchange.positions(symbol)).find((p) => p.size > 0);
        if (!position) return;
        if (position.stopLoss > 0) {
          if (attempt > 0) this.events.protection(symbol, 'stop_set', `stop-loss ${position.stopLoss} confirmed (${correlationId})`, clock.now());
          return;
        }
        const stop = validStop(position, stopLoss, (await this.options.instrument(symbol)).tickSize);
        await exchange.setTradingStop({ symbol, stopLoss: stop });
        this.events.protection(symbol, 'stop_set', `stop-loss ${stop} set on ${position.side} ${position.size} (${correlationId})`, clock.now());
        return;
      } catch (raw) {
        lastError = toBybotError(raw).message;
        await sleep(clock, Math.min(5_000, 500 * 2 ** attempt));
      }
    }
    await this.flatten(symbol, `no stop-loss could be set before the deadline: ${lastError}`);
  }

  private async flatten(symbol: string, why: string): Promise<void> {
    const { exchange, clock } = this.options;
    try {
      const position = (await exchange.positions(symbol)).find((p) => p.size > 0);
      if (!position) return;
      const side = position.side === 'Buy' ? 'Sell' : 'Buy';
      const orderLinkId = buildOrderLinkId({ strategyId: 'protect', symbol, candleStart: Math.floor(clock.now() / 1000) * 1000, side, purpose: 'exit' });
      await exchange.placeOrder({ symbol, side, orderType: 'Market', qty: position.size, reduceOnly: true, orderLinkId });
      this.events.protection(symbol, 'flattened', `${position.side} ${position.size} closed: ${why}`, clock.now());
    } catch (raw) {
      this.events.protection(symbol, 'unprotected', `could not flatten: ${toBybotError(raw).message}; ${why}`, clock.now());
    }
  }
}

/** The intended stop if it is on the protective side of the position, otherwise 1 % away; on the tick grid. */
function validStop(position: Position, intended: number, tickSize: number): number {
  const reference = position.markPrice > 0 ? position.markPrice : position.avgPrice;
  if (position.side === 'Buy') return floorToStep(intended > 0 && intended < reference ? intended : reference * 0.99, tickSize);
  return ceilToStep(intended > reference ? intended : reference * 1.01, tickSize);
}
