import type { Side } from '../../domain/types.ts';

/**
 * The exchange refuses a market entry whose stop-loss or take-profit is already on the
 * wrong side of the last price (Bybit retCode 10001 "StopLoss:… set for Buy position
 * should lower than base_price"; the simulator: "stopLoss … must be below …"). Between the
 * decision at the candle's close and the send the price can cross the stop, so the order
 * path checks the latest price first and does not send what would be refused.
 *
 * Returns why the entry must not be sent, or null when it may go (also when no price is known).
 */
export function crossedProtection(side: Side, stopLoss: number, takeProfit: number, lastPrice: number | undefined): string | null {
  if (lastPrice === undefined || !(lastPrice > 0)) return null;
  const long = side === 'Buy';
  if (stopLoss > 0 && (long ? lastPrice <= stopLoss : lastPrice >= stopLoss)) {
    return `the last price ${lastPrice} already crossed the stop-loss ${stopLoss} of the ${long ? 'long' : 'short'} (the exchange would refuse it: stopLoss must be ${long ? 'below' : 'above'} the price)`;
  }
  if (takeProfit > 0 && (long ? lastPrice >= takeProfit : lastPrice <= takeProfit)) {
    return `the last price ${lastPrice} already reached the take-profit ${takeProfit} of the ${long ? 'long' : 'short'} (the exchange would refuse it: takeProfit must be ${long ? 'above' : 'below'} the price)`;
  }
  return null;
}
