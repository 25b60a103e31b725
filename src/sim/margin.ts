import type { Balance, Order } from '../domain/types.ts';
import { initialMargin, unrealisedPnl, type Account } from './account.ts';
import { money } from './money.ts';

/**
 * The unified account's balance: equity is wallet plus unrealised pnl at mark; available
 * is equity minus the initial margin of positions and of resting orders that could open
 * (order value / leverage plus a taker fee reserve, as Bybit reserves it).
 */
export function accountBalance(account: Account, resting: readonly Order[], markOf: (symbol: string) => number, takerFeeRate: number, now: number): Balance {
  const open = account.open();
  const unrealised = money(open.reduce((sum, p) => sum + unrealisedPnl(p, markOf(p.symbol)), 0));
  const equity = money(account.wallet + unrealised);
  const positionMargin = open.reduce((sum, p) => sum + initialMargin(p), 0);
  const orderMargin = resting
    .filter((o) => !o.reduceOnly)
    .reduce((sum, o) => {
      const value = (o.qty - o.cumExecQty) * o.price;
      return sum + value / account.position(o.symbol).leverage + value * takerFeeRate;
    }, 0);
  return {
    coin: 'USDT',
    equity,
    walletBalance: account.wallet,
    availableBalance: Math.max(0, money(equity - positionMargin - orderMargin)),
    unrealisedPnl: unrealised,
    time: now,
  };
}
