import type { Side } from '../../domain/types.ts';
import { roundToStep } from '../steps.ts';
import { money } from '../account/money.ts';

/**
 * The price a market order (or a triggered stop, which becomes one) fills at: the reference
 * price moved against the taker by `slippageBps`, on the tick grid. One formula for the
 * simulator's matching engine and the fast backtest engine.
 */
export function slippedPrice(price: number, side: Side, slippageBps: number, tickSize: number): number {
  const factor = slippageBps / 10_000;
  return roundToStep(side === 'Buy' ? price * (1 + factor) : price * (1 - factor), tickSize);
}

/** Trading fee of a fill, rounded like Bybit (8 decimals): taker or maker rate on the traded value. */
export function tradeFee(qty: number, price: number, rate: number): number {
  return money(qty * price * rate);
}
