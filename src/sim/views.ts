import type { Order, Position, Side } from '../domain/types.ts';
import { liquidationPrice, unrealisedPnl, type PositionState } from './account.ts';
import { money } from './money.ts';
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

export function positionView(position: PositionState, mark: number, tickSize: number): Position {
  return {
    symbol: position.symbol,
    side: position.size > 0 ? 'Buy' : position.size < 0 ? 'Sell' : 'None',
    size: Math.abs(position.size),
    avgPrice: position.avgPrice,
    markPrice: mark,
    leverage: position.leverage,
    positionValue: money(Math.abs(position.size) * position.avgPrice),
    unrealisedPnl: unrealisedPnl(position, mark),
    cumRealisedPnl: position.cumRealisedPnl,
    stopLoss: position.stopLoss,
    takeProfit: position.takeProfit,
    liqPrice: liquidationPrice(position, tickSize),
    updatedTime: position.updatedTime,
  };
}
