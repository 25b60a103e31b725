import { isOnStep } from '../core/steps.ts';
import type { Instrument } from '../domain/types.ts';
import { BybitApiError, paramsError } from './envelope.ts';

export interface OrderShape {
  readonly orderType: 'Market' | 'Limit';
  readonly qty: number;
  readonly price?: number;
  readonly reduceOnly?: boolean;
  readonly positionIdx?: number;
  readonly triggerPrice?: number;
}

/** Bybit scales qty by 1e8 in its "too large" message. */
const scaled = (value: number): string => String(Math.round(value * 1e8));

/**
 * The linear instrument filters in Bybit's check order (bybit-v5.md §9) with its retCodes
 * and wording, so a client sees the same rejection it would from Bybit; the matching
 * engine's own validation stays as a second line behind this.
 */
export function checkOrderFilters(order: OrderShape, instrument: Instrument, lastPrice: number): void {
  if (order.triggerPrice) throw paramsError('params error: conditional orders (triggerPrice) are not supported by the simulator');
  if (order.positionIdx !== undefined && order.positionIdx !== 0) throw paramsError('position idx not match position mode');
  if (order.qty <= 0 || order.qty < instrument.minOrderQty) throw paramsError('The number of contracts exceeds minimum limit allowed');
  const max = order.orderType === 'Market' ? instrument.maxMktOrderQty : instrument.maxOrderQty;
  if (order.qty > max) throw paramsError(`The number of contracts exceeds maximum limit allowed: too large, order_qty:${scaled(order.qty)} > max_qty:${scaled(max)}`);
  if (!isOnStep(order.qty, instrument.qtyStep)) throw paramsError('Qty invalid');
  let reference = lastPrice;
  if (order.orderType === 'Limit') {
    if (order.price === undefined || order.price <= 0) throw paramsError('params error: price invalid');
    if (!isOnStep(order.price, instrument.tickSize)) throw paramsError(`params error: price ${order.price} is not a multiple of tickSize ${instrument.tickSize}`);
    if (order.price < instrument.minPrice || order.price > instrument.maxPrice) throw new BybitApiError(110003, 'Order price is out of permissible range');
    reference = order.price;
  }
  if (!order.reduceOnly && order.qty * reference < instrument.minNotional) {
    throw new BybitApiError(110094, `Order does not meet minimum order value ${instrument.minNotional}USDT`);
  }
}
