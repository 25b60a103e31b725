import type { Balance, Order } from '../../domain/types.ts';
import { initialMargin, unrealisedPnl, type Account, type PositionState } from './account.ts';
import { money } from './money.ts';

/**
 * The unified account's balance: equity is wallet plus unrealised pnl at mark; available
 * is equity minus the initial margin of positions and of resting orders that could open
 * (order value / leverage plus a taker fee reserve, as Bybit reserves it).
 *
 * The sums run over `account.sorted` (by symbol) so the simulator and the fast backtest
 * engine add the same numbers in the same order, to the last bit.
 */

/** Mark price of a position's symbol. */
export type MarkOf = (position: PositionState) => number;

/** Sum of the open positions' unrealised pnl at mark, rounded like Bybit (8 decimals). Allocation-free. */
export function unrealisedTotal(account: Account, markOf: MarkOf): number {
  let sum = 0;
  const all = account.sorted;
  for (let i = 0; i < all.length; i++) {
    const p = all[i]!;
    if (p.size !== 0) sum += unrealisedPnl(p, markOf(p));
  }
  return money(sum);
}

/** Wallet plus unrealised pnl: the account's equity at mark. Allocation-free when every position is flat. */
export function equityOf(account: Account, markOf: MarkOf): number {
  return money(account.wallet + unrealisedTotal(account, markOf));
}

/** Initial margin of the open positions (value at entry / leverage). */
export function positionMargin(account: Account): number {
  let sum = 0;
  const all = account.sorted;
  for (let i = 0; i < all.length; i++) {
    const p = all[i]!;
    if (p.size !== 0) sum += initialMargin(p);
  }
  return sum;
}

/** Equity minus position margin and the margin reserved by resting orders that could open, never below 0. */
export function availableBalanceOf(account: Account, equity: number, resting: readonly Order[], takerFeeRate: number): number {
  let orderMargin = 0;
  for (const o of resting) {
    if (o.reduceOnly) continue;
    const value = (o.qty - o.cumExecQty) * o.price;
    orderMargin += value / account.position(o.symbol).leverage + value * takerFeeRate;
  }
  return Math.max(0, money(equity - positionMargin(account) - orderMargin));
}

/**
 * Margin a new order needs (Bybit rejects it with 110007 above the available balance): the
 * part that opens or grows the position at `leverage`, plus a taker-fee reserve on the
 * whole quantity. `reference` is the limit price, or the last price for a market order.
 */
export function orderMarginRequired(openingQty: number, qty: number, reference: number, leverage: number, takerFeeRate: number): number {
  return (openingQty * reference) / leverage + qty * reference * takerFeeRate;
}

export function accountBalance(account: Account, resting: readonly Order[], markOf: MarkOf, takerFeeRate: number, now: number): Balance {
  const unrealised = unrealisedTotal(account, markOf);
  const equity = money(account.wallet + unrealised);
  return {
    coin: 'USDT',
    equity,
    walletBalance: account.wallet,
    availableBalance: availableBalanceOf(account, equity, resting, takerFeeRate),
    unrealisedPnl: unrealised,
    time: now,
  };
}
