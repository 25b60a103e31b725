import type { Position } from '../../domain/types.ts';
import { liquidationPrice, unrealisedPnl, type PositionState } from './account.ts';
import { money } from './money.ts';

/** A position as the exchange reports it (Bybit position/list): the view risk checks read. */
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
