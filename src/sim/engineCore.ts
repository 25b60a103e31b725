import type { Balance, Execution, Order, Position, Side } from '../domain/types.ts';
import { roundToStep } from '../core/steps.ts';
import { slippedPrice, tradeFee } from '../core/fills/slippage.ts';
import type { Clock } from '../ports/clock.ts';
import { Account, type PositionState } from '../core/account/account.ts';
import { accountBalance } from '../core/account/balance.ts';
import { positionView, stopOrderView, type StopKind } from './views.ts';
import { TypedEmitter } from './emitter.ts';
import { IdGenerator } from './ids.ts';
import type { SimMarket } from './simMarket.ts';
import { averagePrice, money } from '../core/account/money.ts';
import { OrderStore, type MutableOrder } from './orderStore.ts';
import { walkBook } from './orderBook.ts';

/** A funding settlement charged to (payment > 0) or paid to (payment < 0) the account. */
export interface FundingEvent {
  readonly symbol: string;
  readonly time: number;
  readonly rate: number;
  readonly mark: number;
  /** Signed position size at the settlement. */
  readonly size: number;
  readonly payment: number;
}

export interface EngineEvents extends Record<string, unknown> {
  order: Order;
  execution: Execution;
  position: Position;
  wallet: Balance;
  funding: FundingEvent;
}

export interface EngineOptions {
  readonly clock: Clock;
  readonly market: SimMarket;
  readonly seed: number;
  readonly initialBalance: number;
  readonly takerFeeRate: number;
  readonly makerFeeRate: number;
  readonly slippageBps: number;
  /**
   * How a taker order (market order, marketable limit, triggered stop) fills on the
   * generated market: 'book' walks the order book (src/sim/orderBook.ts; slippage follows
   * size), 'slippage' moves the price by slippageBps. Replays of stored candles always use
   * the core bar model with slippageBps (parity with the fast backtest engine).
   */
  readonly fillModel?: 'book' | 'slippage';
}

/**
 * The state of the matching engine and the few primitives that change it (fill, cancel,
 * set a stop). Order entry, the per-bar trigger processing and the queries all go
 * through this one object, so every fill books the account, the order store, the ids and
 * the events the same way whatever caused it.
 */
export class EngineCore {
  readonly emitter = new TypedEmitter<EngineEvents>();
  readonly account: Account;
  readonly orders = new OrderStore();
  readonly orderIds: IdGenerator;
  readonly execIds: IdGenerator;

  constructor(readonly options: EngineOptions) {
    this.account = new Account(options.initialBalance);
    this.orderIds = new IdGenerator(options.seed, 'order');
    this.execIds = new IdGenerator(options.seed, 'exec');
  }

  fill(order: MutableOrder, price: number, isMaker: boolean, time: number, execType: StopKind | 'Liquidation' | 'Trade' = 'Trade'): void {
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
    const fee = tradeFee(qty, price, isMaker ? makerFeeRate : takerFeeRate);
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

  cancel(order: MutableOrder, reason: string): void {
    order.status = 'Cancelled';
    order.rejectReason = reason;
    order.updatedTime = this.options.clock.now();
    this.orders.closeOrder(order);
    this.emitter.emit('order', { ...order });
  }

  /** Sets (price > 0) or removes (0) a position stop; a removed stop's order is kept in history. */
  setStop(position: PositionState, kind: StopKind, price: number): void {
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

  slipped(price: number, side: Side, tickSize: number): number {
    return slippedPrice(price, side, this.options.slippageBps, tickSize);
  }

  /** The price a taker order of `qty` gets at `reference` (the market price then): see EngineOptions.fillModel. */
  takerPrice(symbol: string, reference: number, side: Side, qty: number, time: number): number {
    const { market } = this.options;
    const instrument = market.instrument(symbol);
    if (market.model === 'bars' || this.options.fillModel === 'slippage' || !(qty > 0)) return this.slipped(reference, side, instrument.tickSize);
    return walkBook({ seed: market.seed, symbol, instrument, price: reference, liquidity: market.liquidity(symbol), time }, side, qty).price;
  }

  positionView(position: PositionState): Position {
    const { market } = this.options;
    return positionView(position, market.lastPrice(position.symbol), market.instrument(position.symbol).tickSize);
  }

  balanceView(): Balance {
    const { market, takerFeeRate, clock } = this.options;
    return accountBalance(this.account, this.orders.open(), (p) => market.lastPrice(p.symbol), takerFeeRate, clock.now());
  }
}
