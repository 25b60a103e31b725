import type { Order, Side } from '../domain/types.ts';
import type { PositionState } from '../core/account/account.ts';
import type { MutableOrder } from './orderStore.ts';

export type StopKind = 'StopLoss' | 'TakeProfit';

/** Closing side of a position: a long is closed by selling. */
export function closingSide(position: PositionState): Side {
  return position.size > 0 ? 'Sell' : 'Buy';
}

/**
 * A position's TP or SL as Bybit lists it among open orders: a conditional, reduce-only
 * market order for the whole position, without an orderLinkId.
 */
export function stopOrderView(position: PositionState, kind: StopKind, status: Order['status'], orderId?: string): MutableOrder {
  const trigger = kind === 'StopLoss' ? position.stopLoss : position.takeProfit;
  return {
    orderId: orderId ?? (kind === 'StopLoss' ? position.slOrderId : position.tpOrderId),
    orderLinkId: '',
    symbol: position.symbol,
    side: closingSide(position),
    orderType: 'Market',
    price: 0,
    qty: Math.abs(position.size),
    status,
    timeInForce: 'IOC',
    cumExecQty: 0,
    cumExecValue: 0,
    cumExecFee: 0,
    avgPrice: 0,
    reduceOnly: true,
    stopLoss: kind === 'StopLoss' ? trigger : 0,
    takeProfit: kind === 'TakeProfit' ? trigger : 0,
    stopOrderType: kind,
    rejectReason: 'EC_NoError',
    createdTime: position.stopsSetAt,
    updatedTime: position.stopsSetAt,
  };
}

export { positionView } from '../core/account/positionView.ts';
