import {
  DuplicateOrderError,
  InsufficientBalanceError,
  InvalidRequestError,
  OrderNotFoundError,
  OrderRejectedError,
} from '../domain/errors.ts';
import type { Balance, Execution, Order, OrderAck, PlaceOrderRequest, Position, Side } from '../domain/types.ts';
import { isOnStep, roundToStep } from '../core/steps.ts';
import type { Clock } from '../ports/clock.ts';
import type { ExecutionQuery, OrderLookup, TradingStopRequest } from '../ports/exchange.ts';
import { Account, liquidationPrice, type PositionState } from './account.ts';
import { accountBalance } from './margin.ts';
import { closingSide, positionView, stopOrderView, type StopKind } from './views.ts';
import { TypedEmitter } from './emitter.ts';
import { IdGenerator } from './ids.ts';
import type { MarketGenerator } from './market.ts';
import { averagePrice, money } from './money.ts';
import { OrderStore, type MutableOrder } from './orderStore.ts';
import { walkPath } from './pathWalk.ts';
import { checkPrice, checkStop, validateOrder } from './validation.ts';

export interface EngineEvents extends Record<string, unknown> {
  order: Order;
  execution: Execution;
  position: Position;
  wallet: Balance;
}

/** Bybit's order/amend for a resting limit order: a new price and/or a new total qty. */
export interface AmendOrderRequest extends OrderLookup {
  readonly qty?: number;
  readonly price?: number;
}

export interface EngineOptions {
  readonly clock: Clock;
  readonly market: MarketGenerator;
  readonly seed: number;
  readonly initialBalance: number;
  readonly takerFeeRate: number;
  readonly makerFeeRate: number;
  readonly slippageBps: number;
}


/**
 * The matching engine of the simulated venue: one USDT unified account, one-way mode,
 * linear perpetuals. It is lazy: nothing runs between calls. Every public method first
 * `sync()`s, replaying the price path since the previous call in time order, so resting
 * limits, TP/SL and liquidations happen at the simulated time they would have on a real
 * exchange, however rarely the engine is asked.
 */
export class MatchingEngine {
  private readonly emitter = new TypedEmitter<EngineEvents>();
  private readonly account: Account;
  private readonly orders = new OrderStore();
  private readonly orderIds: IdGenerator;
  private readonly execIds: IdGenerator;
  private lastSync: number;

  constructor(private readonly options: EngineOptions) {
    this.account = new Account(options.initialBalance);
    this.orderIds = new IdGenerator(options.seed, 'order');
    this.execIds = new IdGenerator(options.seed, 'exec');
    this.lastSync = options.clock.now();
  }

  on<K extends keyof EngineEvents>(event: K, listener: (payload: EngineEvents[K]) => void): () => void {
    return this.emitter.on(event, listener);
  }

  /** Processes the market between the previous sync and now. Idempotent for a given now. */
  sync(): void {
    const now = this.options.clock.now();
    if (now <= this.lastSync) return;
    const from = this.lastSync;
    this.lastSync = now;
    const symbols = new Set([...this.orders.restingSymbols(), ...this.account.open().map((p) => p.symbol)]);
    for (const symbol of [...symbols].sort()) {
      const active = (): boolean => this.orders.open(symbol).length > 0 || this.account.position(symbol).size !== 0;
      walkPath(this.options.market, symbol, from, now, (a, b, time) => this.onMove(symbol, a, b, time), active);
    }
  }

  placeOrder(request: PlaceOrderRequest): OrderAck {
    this.sync();
    const { market, clock } = this.options;
    const instrument = market.instrument(request.symbol);
    if (this.orders.linkUsed(request.orderLinkId)) {
      throw new DuplicateOrderError(`orderLinkId ${request.orderLinkId} is duplicate`, { details: { orderLinkId: request.orderLinkId } });
    }
    const last = market.lastPrice(request.symbol);
    const reference = validateOrder(request, instrument, last);
    const position = this.account.position(request.symbol);
    const signed = request.side === 'Buy' ? 1 : -1;
    let qty = request.qty;
    if (request.reduceOnly) {
      if (position.size === 0 || Math.sign(position.size) === signed) {
        throw new OrderRejectedError(`reduce-only ${request.side} order would not reduce the ${request.symbol} position`, { details: { retCode: 110017 } });
      }
      // Bybit trims a reduce-only order to the position it can close.
      qty = Math.min(qty, Math.abs(position.size));
    } else {
      const opening = position.size === 0 || Math.sign(position.size) === signed ? qty : Math.max(0, qty - Math.abs(position.size));
      const required = (opening * reference) / position.leverage + qty * reference * this.options.takerFeeRate;
      const available = this.balanceView().availableBalance;
      if (required > available) {
        throw new InsufficientBalanceError(`order needs ${money(required)} USDT of margin, ${money(available)} available`, {
          details: { required: money(required), available: money(available) },
        });
      }
    }

    const now = clock.now();
    const order: MutableOrder = {
      orderId: this.orderIds.next(),
      orderLinkId: request.orderLinkId,
      symbol: request.symbol,
      side: request.side,
      orderType: request.orderType,
      price: request.orderType === 'Limit' ? request.price! : 0,
      qty,
      status: 'New',
      timeInForce: request.orderType === 'Market' ? 'IOC' : (request.timeInForce ?? 'GTC'),
      cumExecQty: 0,
      cumExecValue: 0,
      cumExecFee: 0,
      avgPrice: 0,
      reduceOnly: request.reduceOnly ?? false,
      stopLoss: request.stopLoss ?? 0,
      takeProfit: request.takeProfit ?? 0,
      stopOrderType: '',
      rejectReason: 'EC_NoError',
      createdTime: now,
      updatedTime: now,
    };
    this.orders.add(order);
    this.emitter.emit('order', { ...order });

    const ticker = market.ticker(request.symbol);
    const marketable = order.orderType === 'Market' || (order.side === 'Buy' ? order.price >= ticker.ask1Price : order.price <= ticker.bid1Price);
    if (marketable && order.timeInForce === 'PostOnly') {
      this.cancel(order, 'EC_PostOnlyWillTakeLiquidity');
    } else if (marketable) {
      const slipped = this.slipped(last, order.side, instrument.tickSize);
      const price = order.orderType === 'Market' ? slipped : order.side === 'Buy' ? Math.min(order.price, slipped) : Math.max(order.price, slipped);
      this.fill(order, price, false, now);
    } else if (order.timeInForce === 'IOC') {
      this.cancel(order, 'EC_NoImmediateQtyToFill');
    } else if (order.timeInForce === 'FOK') {
      this.cancel(order, 'EC_CancelForNoFullFill');
    }
    return { orderId: order.orderId, orderLinkId: order.orderLinkId };
  }

  cancelOrder(lookup: OrderLookup): OrderAck {
    this.sync();
    if (!lookup.orderId && !lookup.orderLinkId) throw new InvalidRequestError('cancelOrder needs orderId or orderLinkId');
    const order = this.orders.find(lookup.orderId, lookup.orderLinkId);
    if (order && order.symbol === lookup.symbol && this.orders.open(lookup.symbol).includes(order)) {
      this.cancel(order, 'EC_NoError');
      return { orderId: order.orderId, orderLinkId: order.orderLinkId };
    }
    // A position's TP/SL order can be cancelled by its id, which removes that stop.
    const position = this.account.position(lookup.symbol);
    for (const kind of ['StopLoss', 'TakeProfit'] as const) {
      const id = kind === 'StopLoss' ? position.slOrderId : position.tpOrderId;
      if (id && lookup.orderId === id) {
        this.setStop(position, kind, 0);
        this.emitter.emit('position', this.positionView(position));
        return { orderId: id, orderLinkId: '' };
      }
    }
    throw new OrderNotFoundError(`order ${lookup.orderId ?? lookup.orderLinkId} of ${lookup.symbol} is not open`, { details: { ...lookup } });
  }

  /**
   * Changes the price and/or total qty of a resting limit order (Bybit order/amend). The
   * order keeps its ids; a new price that crosses the book fills at once, as on Bybit.
   */
  amendOrder(request: AmendOrderRequest): OrderAck {
    this.sync();
    if (!request.orderId && !request.orderLinkId) throw new InvalidRequestError('amendOrder needs orderId or orderLinkId');
    const order = this.orders.find(request.orderId, request.orderLinkId);
    if (!order || order.symbol !== request.symbol || !this.orders.open(request.symbol).includes(order)) {
      throw new OrderNotFoundError(`order ${request.orderId ?? request.orderLinkId} of ${request.symbol} is not open`, { details: { ...request } });
    }
    const instrument = this.options.market.instrument(request.symbol);
    const qty = request.qty ?? order.qty;
    const price = request.price ?? order.price;
    if (request.qty !== undefined) {
      if (!(qty > order.cumExecQty)) throw new OrderRejectedError(`amended qty ${qty} must exceed the filled qty ${order.cumExecQty}`, { details: { retCode: 110064 } });
      if (!isOnStep(qty, instrument.qtyStep) || qty < instrument.minOrderQty || qty > instrument.maxOrderQty) {
        throw new InvalidRequestError(`qty ${qty} breaks the lot size filter of ${request.symbol}`, { details: { field: 'qty', value: qty } });
      }
    }
    if (request.price !== undefined) checkPrice('price', price, instrument);
    if (!order.reduceOnly && qty * price < instrument.minNotional) {
      throw new InvalidRequestError(`qty ${qty} x price ${price} is below the minimum order value ${instrument.minNotional} USDT`, { details: { field: 'qty', value: qty } });
    }
    if (!order.reduceOnly) {
      const leverage = this.account.position(request.symbol).leverage;
      const extra = ((qty - order.cumExecQty) * price - (order.qty - order.cumExecQty) * order.price) * (1 / leverage + this.options.takerFeeRate);
      const available = this.balanceView().availableBalance;
      if (extra > available) throw new InsufficientBalanceError(`amend needs ${money(extra)} USDT more margin, ${money(available)} available`);
    }
    order.qty = qty;
    order.price = price;
    order.updatedTime = this.options.clock.now();
    this.emitter.emit('order', { ...order });
    const ticker = this.options.market.ticker(request.symbol);
    const marketable = order.side === 'Buy' ? order.price >= ticker.ask1Price : order.price <= ticker.bid1Price;
    if (marketable) {
      const slipped = this.slipped(this.options.market.lastPrice(request.symbol), order.side, instrument.tickSize);
      this.fill(order, order.side === 'Buy' ? Math.min(order.price, slipped) : Math.max(order.price, slipped), false, order.updatedTime);
    }
    return { orderId: order.orderId, orderLinkId: order.orderLinkId };
  }

  /** Open and recently closed orders (including TP/SL order records), newest first. */
  orderHistory(symbol?: string): Order[] {
    this.sync();
    return this.orders.recent(symbol).map((o) => ({ ...o }));
  }

  /** Cancels resting orders; a position's TP/SL stays, as with Bybit's orderFilter=Order. */
  cancelAllOrders(symbol?: string): OrderAck[] {
    this.sync();
    if (symbol !== undefined) this.options.market.instrument(symbol);
    return this.orders.open(symbol).map((order) => {
      this.cancel(order, 'EC_NoError');
      return { orderId: order.orderId, orderLinkId: order.orderLinkId };
    });
  }

  setTradingStop(request: TradingStopRequest): void {
    this.sync();
    const instrument = this.options.market.instrument(request.symbol);
    const position = this.account.position(request.symbol);
    if (position.size === 0) throw new InvalidRequestError(`cannot set TP/SL: ${request.symbol} has no position`);
    const side: Side = position.size > 0 ? 'Buy' : 'Sell';
    const last = this.options.market.lastPrice(request.symbol);
    if (request.stopLoss) checkStop('stopLoss', request.stopLoss, side, last, instrument);
    if (request.takeProfit) checkStop('takeProfit', request.takeProfit, side, last, instrument);
    if (request.stopLoss !== undefined) this.setStop(position, 'StopLoss', request.stopLoss);
    if (request.takeProfit !== undefined) this.setStop(position, 'TakeProfit', request.takeProfit);
    this.emitter.emit('position', this.positionView(position));
  }

  setLeverage(symbol: string, leverage: number): void {
    this.sync();
    const instrument = this.options.market.instrument(symbol);
    if (!Number.isFinite(leverage) || leverage < instrument.minLeverage || leverage > instrument.maxLeverage) {
      throw new InvalidRequestError(`leverage ${leverage} is outside [${instrument.minLeverage}, ${instrument.maxLeverage}]`, { details: { field: 'leverage', value: leverage } });
    }
    if (!isOnStep(leverage, instrument.leverageStep)) {
      throw new InvalidRequestError(`leverage ${leverage} is not a multiple of leverageStep ${instrument.leverageStep}`, { details: { field: 'leverage', value: leverage } });
    }
    const position = this.account.position(symbol);
    position.leverage = leverage;
    this.emitter.emit('position', this.positionView(position));
  }

  balance(): Balance {
    this.sync();
    return this.balanceView();
  }

  /** Open positions; with a symbol, that symbol's row even when flat. */
  positions(symbol?: string): Position[] {
    this.sync();
    if (symbol !== undefined) {
      this.options.market.instrument(symbol);
      return [this.positionView(this.account.position(symbol))];
    }
    return this.account.open().map((p) => this.positionView(p));
  }

  /** Resting orders, then each position's TP/SL as an Untriggered conditional order. */
  openOrders(symbol?: string): Order[] {
    this.sync();
    const out: Order[] = this.orders.open(symbol).map((o) => ({ ...o }));
    for (const position of this.account.open()) {
      if (symbol !== undefined && position.symbol !== symbol) continue;
      if (position.stopLoss) out.push(stopOrderView(position, 'StopLoss', 'Untriggered'));
      if (position.takeProfit) out.push(stopOrderView(position, 'TakeProfit', 'Untriggered'));
    }
    return out;
  }

  findOrder(lookup: OrderLookup): Order | null {
    this.sync();
    const order = this.orders.find(lookup.orderId, lookup.orderLinkId);
    if (order && order.symbol === lookup.symbol) return { ...order };
    const position = this.account.position(lookup.symbol);
    if (lookup.orderId && lookup.orderId === position.slOrderId) return stopOrderView(position, 'StopLoss', 'Untriggered');
    if (lookup.orderId && lookup.orderId === position.tpOrderId) return stopOrderView(position, 'TakeProfit', 'Untriggered');
    return null;
  }

  executions(query: ExecutionQuery): Execution[] {
    this.sync();
    const limit = query.limit === undefined ? 50 : Math.min(1000, Math.max(1, Math.floor(query.limit)));
    return this.orders.executions(query.symbol, query.startTime, limit);
  }

  // ---- matching ----------------------------------------------------------------------

  private onMove(symbol: string, from: number, to: number, time: number): void {
    const low = Math.min(from, to);
    const high = Math.max(from, to);
    for (const order of [...this.orders.open(symbol)]) {
      // An earlier fill in this loop may have cancelled it (reduce-only with nothing left).
      if (order.status !== 'New') continue;
      if (order.side === 'Buy' ? low <= order.price : high >= order.price) this.fill(order, order.price, true, time);
    }
    const position = this.account.position(symbol);
    if (position.size === 0) return;
    const long = position.size > 0;
    const { tickSize } = this.options.market.instrument(symbol);
    const liq = liquidationPrice(position, tickSize);
    // Each candidate trigger crossed by this move; the first one the path reaches wins.
    const crossed: Array<{ kind: StopKind | 'Liquidation'; price: number }> = [];
    const hitsAdverse = (price: number): boolean => price > 0 && (long ? low <= price : high >= price);
    const hitsFavourable = (price: number): boolean => price > 0 && (long ? high >= price : low <= price);
    if (hitsAdverse(position.stopLoss)) crossed.push({ kind: 'StopLoss', price: position.stopLoss });
    if (hitsAdverse(liq)) crossed.push({ kind: 'Liquidation', price: liq });
    if (hitsFavourable(position.takeProfit)) crossed.push({ kind: 'TakeProfit', price: position.takeProfit });
    if (crossed.length === 0) return;
    crossed.sort((a, b) => (to < from ? b.price - a.price : a.price - b.price));
    this.closeByTrigger(position, crossed[0]!.kind, crossed[0]!.price, time);
  }

  /** TP/SL (market close at the trigger price plus slippage) or liquidation (at liqPrice). */
  private closeByTrigger(position: PositionState, kind: StopKind | 'Liquidation', trigger: number, time: number): void {
    const { tickSize } = this.options.market.instrument(position.symbol);
    const side = closingSide(position);
    let orderId = this.orderIds.next();
    let createdTime = time;
    if (kind !== 'Liquidation') {
      orderId = (kind === 'StopLoss' ? position.slOrderId : position.tpOrderId) || orderId;
      createdTime = position.stopsSetAt;
      // The triggered order becomes a real order; it must not be deactivated with the other stop.
      if (kind === 'StopLoss') position.slOrderId = '';
      else position.tpOrderId = '';
    }
    // The triggered conditional becomes a plain reduce-only market order for the position.
    const order: MutableOrder = {
      ...stopOrderView(position, kind === 'Liquidation' ? 'StopLoss' : kind, 'New', orderId),
      stopLoss: kind === 'StopLoss' ? trigger : 0,
      stopOrderType: kind === 'Liquidation' ? '' : kind,
      createdTime,
      updatedTime: time,
    };
    this.orders.add(order);
    const price = kind === 'Liquidation' ? trigger : this.slipped(trigger, side, tickSize);
    this.fill(order, price, false, time, kind);
  }

  private fill(order: MutableOrder, price: number, isMaker: boolean, time: number, execType: StopKind | 'Liquidation' | 'Trade' = 'Trade'): void {
    const { market, takerFeeRate, makerFeeRate } = this.options;
    const instrument = market.instrument(order.symbol);
    const position = this.account.position(order.symbol);
    let qty = roundToStep(order.qty - order.cumExecQty, instrument.qtyStep);
    if (order.reduceOnly) {
      const reduces = position.size !== 0 && Math.sign(position.size) !== (order.side === 'Buy' ? 1 : -1);
      if (!reduces) {
        this.cancel(order, 'EC_ReduceOnlySetButNotReducing');
        return;
      }
      qty = Math.min(qty, Math.abs(position.size));
    }
    const fee = money(qty * price * (isMaker ? makerFeeRate : takerFeeRate));
    const before = position.size;
    const outcome = this.account.applyFill(order.symbol, order.side, qty, price, fee, instrument.qtyStep, time);

    order.cumExecQty = roundToStep(order.cumExecQty + qty, instrument.qtyStep);
    order.cumExecValue = money(order.cumExecValue + qty * price);
    order.cumExecFee = money(order.cumExecFee + fee);
    order.avgPrice = averagePrice(order.cumExecValue, order.cumExecQty);
    order.status = 'Filled';
    order.updatedTime = time;
    this.orders.closeOrder(order);

    const execution: Execution = {
      execId: this.execIds.next(),
      orderId: order.orderId,
      orderLinkId: order.orderLinkId,
      symbol: order.symbol,
      side: order.side,
      execPrice: price,
      execQty: qty,
      execFee: fee,
      isMaker,
      execTime: time,
      closedSize: outcome.closedSize,
      stopOrderType: execType,
    };
    this.orders.addExecution(execution);

    // A position that closed or flipped loses its TP/SL (Bybit cancels them with it).
    const flippedOrClosed = before !== 0 && (position.size === 0 || Math.sign(position.size) !== Math.sign(before));
    if (flippedOrClosed) {
      this.setStop(position, 'StopLoss', 0);
      this.setStop(position, 'TakeProfit', 0);
    }
    // TP/SL sent with an entry become the position's TP/SL once it is filled (tpslMode Full).
    const grew = position.size !== 0 && Math.sign(position.size) === (order.side === 'Buy' ? 1 : -1);
    if (grew && !order.reduceOnly) {
      if (order.stopLoss) this.setStop(position, 'StopLoss', order.stopLoss);
      if (order.takeProfit) this.setStop(position, 'TakeProfit', order.takeProfit);
    }
    // Orders that are left with nothing to reduce are cancelled, as on Bybit.
    for (const other of this.orders.open(order.symbol)) {
      if (other.reduceOnly && (position.size === 0 || Math.sign(position.size) === (other.side === 'Buy' ? 1 : -1))) this.cancel(other, 'EC_ReduceOnlySetButNotReducing');
    }

    this.emitter.emit('order', { ...order });
    this.emitter.emit('execution', { ...execution });
    this.emitter.emit('position', this.positionView(position));
    this.emitter.emit('wallet', this.balanceView());
  }

  private cancel(order: MutableOrder, reason: string): void {
    order.status = 'Cancelled';
    order.rejectReason = reason;
    order.updatedTime = this.options.clock.now();
    this.orders.closeOrder(order);
    this.emitter.emit('order', { ...order });
  }

  /** Sets (price > 0) or removes (0) a position stop; a removed stop's order is kept in history. */
  private setStop(position: PositionState, kind: StopKind, price: number): void {
    const current = kind === 'StopLoss' ? position.stopLoss : position.takeProfit;
    const id = kind === 'StopLoss' ? position.slOrderId : position.tpOrderId;
    if (price === 0) {
      if (current && id) this.orders.add({ ...stopOrderView(position, kind, 'Cancelled'), updatedTime: this.options.clock.now() });
      if (kind === 'StopLoss') [position.stopLoss, position.slOrderId] = [0, ''];
      else [position.takeProfit, position.tpOrderId] = [0, ''];
      return;
    }
    const newId = id || this.orderIds.next();
    if (!id) position.stopsSetAt = this.options.clock.now();
    if (kind === 'StopLoss') [position.stopLoss, position.slOrderId] = [price, newId];
    else [position.takeProfit, position.tpOrderId] = [price, newId];
  }

  // ---- views ---------------------------------------------------------------------------

  private slipped(price: number, side: Side, tickSize: number): number {
    const factor = this.options.slippageBps / 10_000;
    return roundToStep(side === 'Buy' ? price * (1 + factor) : price * (1 - factor), tickSize);
  }

  private positionView(position: PositionState): Position {
    const { market } = this.options;
    return positionView(position, market.lastPrice(position.symbol), market.instrument(position.symbol).tickSize);
  }

  private balanceView(): Balance {
    const { market, takerFeeRate, clock } = this.options;
    return accountBalance(this.account, this.orders.open(), (symbol) => market.lastPrice(symbol), takerFeeRate, clock.now());
  }
}
