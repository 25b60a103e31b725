import { InvalidRequestError } from '../domain/errors.ts';
import type { Side } from '../domain/types.ts';
import { isOnStep } from '../core/steps.ts';
import type { TradingStopRequest } from '../ports/exchange.ts';
import type { EngineCore } from './engineCore.ts';
import { checkStop } from './validation.ts';

/*
 * Per-position settings (TP/SL and leverage). Kept apart from order entry because they
 * change the position, not the book; the engine syncs before calling them.
 */

export function setTradingStop(core: EngineCore, request: TradingStopRequest): void {
  const instrument = core.options.market.instrument(request.symbol);
  const position = core.account.position(request.symbol);
  if (position.size === 0) throw new InvalidRequestError(`cannot set TP/SL: ${request.symbol} has no position`);
  const side: Side = position.size > 0 ? 'Buy' : 'Sell';
  const last = core.options.market.lastPrice(request.symbol);
  if (request.stopLoss) checkStop('stopLoss', request.stopLoss, side, last, instrument);
  if (request.takeProfit) checkStop('takeProfit', request.takeProfit, side, last, instrument);
  if (request.stopLoss !== undefined) core.setStop(position, 'StopLoss', request.stopLoss);
  if (request.takeProfit !== undefined) core.setStop(position, 'TakeProfit', request.takeProfit);
  core.emitter.emit('position', core.positionView(position));
}

export function setLeverage(core: EngineCore, symbol: string, leverage: number): void {
  const instrument = core.options.market.instrument(symbol);
  if (!Number.isFinite(leverage) || leverage < instrument.minLeverage || leverage > instrument.maxLeverage) {
    throw new InvalidRequestError(`leverage ${leverage} is outside [${instrument.minLeverage}, ${instrument.maxLeverage}]`, { details: { field: 'leverage', value: leverage } });
  }
  if (!isOnStep(leverage, instrument.leverageStep)) {
    throw new InvalidRequestError(`leverage ${leverage} is not a multiple of leverageStep ${instrument.leverageStep}`, { details: { field: 'leverage', value: leverage } });
  }
  const position = core.account.position(symbol);
  position.leverage = leverage;
  core.emitter.emit('position', core.positionView(position));
}
