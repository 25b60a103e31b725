import { InvalidRequestError } from '../domain/errors.ts';
import type { Instrument, PlaceOrderRequest, Side, TimeInForce } from '../domain/types.ts';
import { isOnStep } from '../core/steps.ts';

const LINK_ID = /^[0-9A-Za-z_-]{0,36}$/;
const TIME_IN_FORCE: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK', 'PostOnly'];

function invalid(field: string, value: unknown, why: string): InvalidRequestError {
  return new InvalidRequestError(`${field} ${String(value)} ${why}`, { details: { field, value } });
}

/**
 * Checks an order against the instrument's filters in Bybit's order (docs §9): shape,
 * quantity bounds and step, price grid, minimum notional, TP/SL sides. Returns the price
 * the order is valued at (limit price, or the last price for a market order).
 */
export function validateOrder(request: PlaceOrderRequest, instrument: Instrument, lastPrice: number): number {
  const { side, orderType, qty } = request;
  if (side !== 'Buy' && side !== 'Sell') throw invalid('side', side, 'must be Buy or Sell');
  if (orderType !== 'Market' && orderType !== 'Limit') throw invalid('orderType', orderType, 'must be Market or Limit');
  if (typeof request.orderLinkId !== 'string' || !LINK_ID.test(request.orderLinkId)) {
    throw invalid('orderLinkId', request.orderLinkId, 'must be at most 36 characters of [0-9A-Za-z_-]');
  }
  if (request.timeInForce !== undefined && !TIME_IN_FORCE.includes(request.timeInForce)) {
    throw invalid('timeInForce', request.timeInForce, `must be one of ${TIME_IN_FORCE.join(', ')}`);
  }
  if (!Number.isFinite(qty) || qty <= 0) throw invalid('qty', qty, 'must be a positive number');
  if (qty < instrument.minOrderQty) throw invalid('qty', qty, `is below minOrderQty ${instrument.minOrderQty}`);
  const maxQty = orderType === 'Market' ? instrument.maxMktOrderQty : instrument.maxOrderQty;
  if (qty > maxQty) throw invalid('qty', qty, `is above ${orderType === 'Market' ? 'maxMktOrderQty' : 'maxOrderQty'} ${maxQty}`);
  if (!isOnStep(qty, instrument.qtyStep)) throw invalid('qty', qty, `is not a multiple of qtyStep ${instrument.qtyStep}`);

  let reference = lastPrice;
  if (orderType === 'Limit') {
    const price = request.price;
    if (price === undefined || !Number.isFinite(price) || price <= 0) throw invalid('price', price, 'is required for a Limit order and must be positive');
    checkPrice('price', price, instrument);
    reference = price;
  }
  if (!request.reduceOnly && qty * reference < instrument.minNotional) {
    throw invalid('qty', qty, `x price ${reference} is below the minimum order value ${instrument.minNotional} USDT`);
  }

  const stopLoss = request.stopLoss ?? 0;
  const takeProfit = request.takeProfit ?? 0;
  if ((stopLoss || takeProfit) && request.reduceOnly) throw invalid('reduceOnly', true, 'orders cannot carry stopLoss/takeProfit');
  if (stopLoss) checkStop('stopLoss', stopLoss, side, reference, instrument);
  if (takeProfit) checkStop('takeProfit', takeProfit, side, reference, instrument);
  return reference;
}

export function checkPrice(field: string, price: number, instrument: Instrument): void {
  if (!Number.isFinite(price) || price <= 0) throw invalid(field, price, 'must be a positive number');
  if (!isOnStep(price, instrument.tickSize)) throw invalid(field, price, `is not a multiple of tickSize ${instrument.tickSize}`);
  if (price < instrument.minPrice || price > instrument.maxPrice) {
    throw invalid(field, price, `is outside [${instrument.minPrice}, ${instrument.maxPrice}]`);
  }
}

/**
 * A long's stop-loss lies below the reference price and its take-profit above; a short's
 * the other way round. `side` is the side of the position the stop protects.
 */
export function checkStop(field: 'stopLoss' | 'takeProfit', price: number, side: Side, reference: number, instrument: Instrument): void {
  checkPrice(field, price, instrument);
  const below = (field === 'stopLoss') === (side === 'Buy');
  if (below && price >= reference) throw invalid(field, price, `must be below ${reference} for a ${side === 'Buy' ? 'long' : 'short'}`);
  if (!below && price <= reference) throw invalid(field, price, `must be above ${reference} for a ${side === 'Buy' ? 'long' : 'short'}`);
}
