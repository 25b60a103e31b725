import { DuplicateOrderError, InvalidRequestError, OrderRejectedError, toBybotError, type BybotError } from '../domain/errors.ts';
import type { Instrument, Order, PlaceOrderRequest } from '../domain/types.ts';
import type { Clock } from '../ports/clock.ts';
import { sleep } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import type { Random } from '../core/rng.ts';
import { fullJitterDelay } from '../core/supervision/policies.ts';
import { ORDER_LINK_PREFIX } from '../core/orders/orderLinkId.ts';
import { crossedProtection } from '../core/orders/preSend.ts';
import { MARGIN_HEADROOM } from '../core/risk/leverage.ts';
import type { EntryOrder, PlacedOrder } from '../../machines/strategy.types.ts';
import type { ResizeOrder } from '../core/portfolio/types.ts';
import type { TradingGate } from '../runtime/tradingGate.ts';
import { fitToMargin } from './marginFit.ts';
import { OrderAccount, type AccountMemory } from './orderAccount.ts';
import { NO_ORDER_EVENTS, type OrderEventSink } from './orderEvents.ts';
import { OrderQueue, type QueueObserver } from './orderQueue.ts';
import { ensureStop, type ProtectionDeps } from './protection.ts';

/** Rejection texts that mean the instrument's filters are not what we cached (Bybit and the simulator). */
const FILTER_REJECTION = /qtyStep|tickSize|minOrderQty|maxOrderQty|maxMktOrderQty|minimum order value|minNotional|order value|Qty invalid|price.*out of.*range|outside \[/i;

export interface OrderManagerOptions {
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  readonly gate: TradingGate;
  readonly random: Random;
  readonly instrument: (symbol: string) => Promise<Instrument>;
  /** The symbol's filters when cached and fresh, without waiting (null: call `instrument`). */
  readonly cachedInstrument?: (symbol: string, now: number) => Instrument | null;
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
  /**
   * The account in memory (the runtime's AccountView, kept by the private streams): balance
   * and position are read from it when current instead of over REST on every order.
   */
  readonly account?: AccountMemory;
  /** The latest price of a symbol (ticker/kline stream, or the in-process venue): an entry whose stop it crossed is not sent. */
  readonly lastPrice?: (symbol: string) => number | undefined;
  /** The exchange refused an order on the symbol's filters: forget the cached instrument. */
  readonly instrumentChanged?: (symbol: string) => void;
  /** Symbols with order work in flight at once (default 1: fully serial, as backtests need). */
  readonly maxConcurrentSymbols?: number;
}

/** What the backtests' admission gate orders by: the actor, and whether it is a rebalance's reduction (those go first). */
export interface AdmitTicket {
  readonly actorId: string;
  readonly reduce?: boolean;
}

/**
 * Order manager (backlog B4.1): one queue per account, one lane per symbol (orders of
 * different symbols may be in flight together, one symbol's work runs in order, stops first).
 *
 * An entry is placed idempotently: its orderLinkId is derived from (strategy, symbol,
 * candle, side), so when the outcome of a create is unknown (timeout, 5xx) the order is
 * looked up by that id before any retry, and a duplicate-id answer means "already placed",
 * never "place again". Only transient errors are retried, with full-jitter backoff on the
 * injected clock. Just before sending, the size is fitted to the margin available now.
 * The create carries the stop-loss and take-profit; after the fill the position must carry
 * a stop-loss: it is set if missing, and if that fails the position is flattened with a
 * reduce-only order, all within a bounded time (protection.ts).
 *
 * The fast path (issue 13): filters from the instrument cache, leverage set once per symbol
 * and value, balance and position from the streamed account view (orderAccount.ts), so a
 * usual entry makes no request before its create.
 */
export class OrderManager {
  readonly queue: OrderQueue;
  private readonly leverage = new Map<string, number>();
  private readonly events: OrderEventSink;
  private readonly account: OrderAccount;
  private readonly protection: ProtectionDeps;

  constructor(private readonly options: OrderManagerOptions) {
    this.queue = new OrderQueue(options.queueObserver, options.maxConcurrentSymbols ?? 1);
    this.events = options.events ?? NO_ORDER_EVENTS;
    this.account = new OrderAccount(options.exchange, options.account);
    this.protection = {
      exchange: options.exchange,
      clock: options.clock,
      events: this.events,
      instrument: options.instrument,
      deadlineMs: options.protectDeadlineMs ?? 30_000,
    };
  }

  submit(order: EntryOrder): Promise<PlacedOrder> {
    this.options.gate.assertCanOpen();
    this.events.intent(order, this.options.clock.now());
    const enqueue = (): Promise<PlacedOrder> => this.queue.enqueue('entry', order.orderLinkId, () => this.place(order), order.symbol);
    const admit = this.options.admit;
    return this.options.gate.track(admit ? admit(order).then(enqueue) : enqueue());
  }

  /** Makes sure an open position of ours has a stop-loss (used at start-up and after fills). */
  protect(symbol: string, stopLoss: number, correlationId: string): Promise<void> {
    return this.options.gate.track(this.queue.enqueue('protect', `protect:${symbol}`, () => ensureStop(this.protection, symbol, stopLoss, correlationId), symbol));
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
    const run = (): Promise<'reduced' | 'skipped'> => this.queue.enqueue('reduce', `reduce:${order.orderLinkId}`, () => this.placeReduce(order, correlationId), order.symbol);
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
    await ensureStop(this.protection, order.symbol, position.stopLoss, correlationId);
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
    }, symbol);
  }

  /** Cancels one resting order of ours. */
  cancel(symbol: string, orderLinkId: string): Promise<void> {
    return this.queue.enqueue('cancel', `cancel:${orderLinkId}`, async () => {
      this.requireOurs(orderLinkId);
      await this.options.exchange.cancelOrder({ symbol, orderLinkId });
      this.events.changed(orderLinkId, 'cancelled', {}, this.options.clock.now());
    }, symbol);
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
    const { clock } = this.options;
    const { entry } = order;
    this.assertCanSend(order);

    // Filters from the cache, balance and position from memory (REST only when the private
    // streams do not keep them current): in the usual case the create leaves in the same
    // turn of the event loop as the submit, with no await in between (each await would
    // queue behind the other actors' work of the same candle close).
    const now = clock.now();
    const instrument = this.options.cachedInstrument?.(order.symbol, now) ?? (await this.options.instrument(order.symbol));
    const account = this.account.fromMemory(order.symbol, now) ?? (await this.account.read(order.symbol, now));
    // The risk decision saw the account when the actor fetched; another actor on the same
    // symbol may have opened a position since. One-way mode: a second entry would add to it,
    // or (opposite side) close it. The risk rule is one position per symbol; apply it again.
    const held = account.held;
    if (held && (await this.lookup(order).catch(() => null))) {
      // This very entry is already on the exchange (a restart re-sent the intent): adopt it.
      const adopted = await this.confirm(order, true);
      this.events.outcome(order, adopted, clock.now());
      return adopted;
    }
    if (held) return this.deny(order, `a ${held.side} position of ${held.size} ${order.symbol} was opened since the risk decision`);
    const fit = fitToMargin({
      qty: entry.qty,
      price: entry.entryPrice,
      leverage: entry.leverage,
      availableBalance: account.availableBalance,
      instrument,
      maxLeverage: this.options.maxLeverage,
    });
    if (!fit.ok) return this.deny(order, fit.reason);
    if (this.leverage.get(order.symbol) !== fit.leverage) await this.setLeverage(order.symbol, fit.leverage);
    // Last look at the price: a stop it already crossed would be refused (retCode 10001).
    const crossed = crossedProtection(entry.side, entry.stopLoss, entry.takeProfit, this.options.lastPrice?.(order.symbol));
    if (crossed) return this.deny(order, crossed);

    // Stop-loss and take-profit ride on the create itself: the position is protected from
    // its first fill; ensureStop below is the safety net.
    const request: PlaceOrderRequest = {
      symbol: order.symbol,
      side: entry.side,
      orderType: 'Market',
      qty: fit.qty,
      orderLinkId: order.orderLinkId,
      stopLoss: entry.stopLoss,
      takeProfit: entry.takeProfit,
    };
    const done = this.account.sending(order.symbol, (fit.qty * entry.entryPrice * (1 + MARGIN_HEADROOM)) / fit.leverage);
    // Whether the exchange may hold a fill of this entry; unknown counts as maybe.
    let mayHaveFilled = true;
    try {
      const adopted = await this.send(order, request, (error) => {
        mayHaveFilled = error.retryable;
        this.afterRejection(order.symbol, error);
      });
      const result = await this.confirm(order, adopted, fit.shrunk ? `size fitted to available margin: ${fit.qty} of ${entry.qty}` : undefined).catch((error: unknown) => {
        if (error instanceof OrderRejectedError) mayHaveFilled = false;
        throw error;
      });
      mayHaveFilled = result.filledQty > 0 || result.status === 'New' || result.status === 'PartiallyFilled';
      this.events.outcome(order, result, clock.now());
      if (result.filledQty > 0) await ensureStop(this.protection, order.symbol, entry.stopLoss, order.correlationId);
      return result;
    } finally {
      done(mayHaveFilled, clock.now());
    }
  }

  /**
   * Sends the create, retrying transient failures; true when the order turned out to be on
   * the exchange already (adopted). `onFinal` sees the error that ends the attempts.
   */
  private async send(order: EntryOrder, request: PlaceOrderRequest, onFinal: (error: BybotError) => void): Promise<boolean> {
    const { exchange, clock } = this.options;
    const maxAttempts = this.options.maxAttempts ?? 3;
    for (let attempt = 0; ; attempt++) {
      if (attempt === 0) this.assertCanSend(order);
      try {
        if (attempt > 0) this.options.gate.assertCanOpen();
        this.events.submitted(order, request, attempt, clock.now());
        await exchange.placeOrder(request);
        return false;
      } catch (raw) {
        const error = toBybotError(raw);
        if (error instanceof DuplicateOrderError) return true;
        if (!error.retryable) {
          onFinal(error);
          this.events.failed(order, error.code, error.message, clock.now());
          throw error;
        }
        // Unknown outcome: the exchange may have accepted it. Look before retrying.
        const existing = await this.lookup(order).catch(() => null);
        if (existing) return true;
        if (attempt + 1 >= maxAttempts) {
          onFinal(error);
          this.events.failed(order, error.code, error.message, clock.now());
          throw error;
        }
        await sleep(clock, this.retryDelay(attempt, error));
      }
    }
  }

  /** An entry that is not sent ends as Rejected with a note that says why (journal: not sent). */
  private deny(order: EntryOrder, why: string): PlacedOrder {
    const denied: PlacedOrder = { orderId: '', orderLinkId: order.orderLinkId, status: 'Rejected', filledQty: 0, avgPrice: 0, adopted: false, note: `not sent: ${why}` };
    this.events.outcome(order, denied, this.options.clock.now());
    return denied;
  }

  /**
   * A refused create says our cached view of the symbol may be wrong: the filters changed
   * (read the instrument again) or the leverage is not what we set (set it again next time).
   */
  private afterRejection(symbol: string, error: BybotError): void {
    if (error.retryable) return;
    this.leverage.delete(symbol);
    if (FILTER_REJECTION.test(error.message)) this.options.instrumentChanged?.(symbol);
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

  /** Leverage is set once per symbol and value (forgotten after a rejection, see afterRejection). */
  private async setLeverage(symbol: string, leverage: number): Promise<void> {
    await this.options.exchange.setLeverage(symbol, leverage);
    this.leverage.set(symbol, leverage);
  }
}
