import {
  DuplicateOrderError,
  InsufficientBalanceError,
  InvalidRequestError,
  OrderNotFoundError,
  OrderRejectedError,
} from '../domain/errors.ts';
import type { OrderAck, PlaceOrderRequest } from '../domain/types.ts';
import { isOnStep } from '../core/steps.ts';
import type { OrderLookup } from '../ports/exchange.ts';
import type { EngineCore } from './engineCore.ts';
import { money } from '../core/account/money.ts';
import type { MutableOrder } from './orderStore.ts';
import { checkPrice, validateOrder } from './validation.ts';

/** Bybit's order/amend for a resting limit order: a new price and/or a new total qty. */
export interface AmendOrderRequest extends OrderLookup {
  readonly qty?: number;
  readonly price?: number;
}

/*
 * Order entry: validating, creating, amending and cancelling orders on request. The
 * engine syncs before calling these, so they act on the book as of the current time.
 */

export function placeOrder(core: EngineCore, request: PlaceOrderRequest): OrderAck {
  const { market, clock } = core.options;
  const instrument = market.instrument(request.symbol);
  if (core.orders.linkUsed(request.orderLinkId)) {
    throw new DuplicateOrderError(`orderLinkId ${request.orderLinkId} is duplicate`, { details: { orderLinkId: request.orderLinkId } });
  }
  const last = market.lastPrice(request.symbol);
  const reference = validateOrder(request, instrument, last);
  const position = core.account.position(request.symbol);
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
    const required = (opening * reference) / position.leverage + qty * reference * core.options.takerFeeRate;
    const available = core.balanceView().availableBalance;
    if (required > available) {
      throw new InsufficientBalanceError(`order needs ${money(required)} USDT of margin, ${money(available)} available`, {
        details: { required: money(required), available: money(available) },
      });
    }
  }

  const now = clock.now();
  const order: MutableOrder = {
    orderId: core.orderIds.next(),
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
  core.orders.add(order);
  core.emitter.emit('order', { ...order });

  const ticker = market.ticker(request.symbol);
  const marketable = order.orderType === 'Market' || (order.side === 'Buy' ? order.price >= ticker.ask1Price : order.price <= ticker.bid1Price);
  if (marketable && order.timeInForce === 'PostOnly') {
    core.cancel(order, 'EC_PostOnlyWillTakeLiquidity');
  } else if (marketable) {
    // The generated market fills at the current price; a replay at the open of the bar in progress.
    const at = market.marketFill(request.symbol, now);
    if (at === null) {
      core.cancel(order, 'EC_NoImmediateQtyToFill');
    } else {
      const slipped = core.takerPrice(request.symbol, at.price, order.side, order.qty, now);
      const price = order.orderType === 'Market' ? slipped : order.side === 'Buy' ? Math.min(order.price, slipped) : Math.max(order.price, slipped);
      core.fill(order, price, false, at.time);
    }
  } else if (order.timeInForce === 'IOC') {
    core.cancel(order, 'EC_NoImmediateQtyToFill');
  } else if (order.timeInForce === 'FOK') {
    core.cancel(order, 'EC_CancelForNoFullFill');
  }
  return { orderId: order.orderId, orderLinkId: order.orderLinkId };
}

export function cancelOrder(core: EngineCore, lookup: OrderLookup): OrderAck {
  if (!lookup.orderId && !lookup.orderLinkId) throw new InvalidRequestError('cancelOrder needs orderId or orderLinkId');
  const order = core.orders.find(lookup.orderId, lookup.orderLinkId);
  if (order && order.symbol === lookup.symbol && core.orders.open(lookup.symbol).includes(order)) {
    core.cancel(order, 'EC_NoError');
    return { orderId: order.orderId, orderLinkId: order.orderLinkId };
  }
  // A position's TP/SL order can be cancelled by its id, which removes that stop.
  const position = core.account.position(lookup.symbol);
  for (const kind of ['StopLoss', 'TakeProfit'] as const) {
    const id = kind === 'StopLoss' ? position.slOrderId : position.tpOrderId;
    if (id && lookup.orderId === id) {
      core.setStop(position, kind, 0);
      core.emitter.emit('position', core.positionView(position));
      return { orderId: id, orderLinkId: '' };
    }
  }
  throw new OrderNotFoundError(`order ${lookup.orderId ?? lookup.orderLinkId} of ${lookup.symbol} is not open`, { details: { ...lookup } });
}

/**
 * Changes the price and/or total qty of a resting limit order (Bybit order/amend). The
 * order keeps its ids; a new price that crosses the book fills at once, as on Bybit.
 */
export function amendOrder(core: EngineCore, request: AmendOrderRequest): OrderAck {
  if (!request.orderId && !request.orderLinkId) throw new InvalidRequestError('amendOrder needs orderId or orderLinkId');
  const order = core.orders.find(request.orderId, request.orderLinkId);
  if (!order || order.symbol !== request.symbol || !core.orders.open(request.symbol).includes(order)) {
    throw new OrderNotFoundError(`order ${request.orderId ?? request.orderLinkId} of ${request.symbol} is not open`, { details: { ...request } });
  }
  const instrument = core.options.market.instrument(request.symbol);
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
    const leverage = core.account.position(request.symbol).leverage;
    const extra = ((qty - order.cumExecQty) * price - (order.qty - order.cumExecQty) * order.price) * (1 / leverage + core.options.takerFeeRate);
    const available = core.balanceView().availableBalance;
    if (extra > available) throw new InsufficientBalanceError(`amend needs ${money(extra)} USDT more margin, ${money(available)} available`);
  }
  order.qty = qty;
  order.price = price;
  order.updatedTime = core.options.clock.now();
  core.emitter.emit('order', { ...order });
  const ticker = core.options.market.ticker(request.symbol);
  const marketable = order.side === 'Buy' ? order.price >= ticker.ask1Price : order.price <= ticker.bid1Price;
  if (marketable) {
    const slipped = core.takerPrice(request.symbol, core.options.market.lastPrice(request.symbol), order.side, qty - order.cumExecQty, order.updatedTime);
    core.fill(order, order.side === 'Buy' ? Math.min(order.price, slipped) : Math.max(order.price, slipped), false, order.updatedTime);
  }
  return { orderId: order.orderId, orderLinkId: order.orderLinkId };
}

/** Cancels resting orders; a position's TP/SL stays, as with Bybit's orderFilter=Order. */
export function cancelAllOrders(core: EngineCore, symbol?: string): OrderAck[] {
  if (symbol !== undefined) core.options.market.instrument(symbol);
  return core.orders.open(symbol).map((order) => {
    core.cancel(order, 'EC_NoError');
    return { orderId: order.orderId, orderLinkId: order.orderLinkId };
  });
}
