import { InsufficientBalanceError, OrderRejectedError, toBybotError, type BybotError } from '../../domain/errors.ts';
import type { ApprovedEntry } from '../../core/risk/types.ts';
import { fitToMargin } from '../../orders/marginFit.ts';
import { validateOrder } from '../../sim/validation.ts';
import type { FastAccount, PriceSymbol } from './fastAccount.ts';

/**
 * An approved entry at send time, as the order manager (src/orders/orderManager.ts) and the
 * simulated venue (src/sim/placement.ts) handle it in live, with the very same functions:
 * 1. one position per symbol: a position opened since the risk decision -> not sent;
 * 2. fitToMargin on the available balance now (other entries of the same close may have
 *    used margin): kept, shrunk, or not sent; the leverage is set to the fitted one;
 * 3. the venue's checks: validateOrder (filters, TP/SL sides at the last price) and the
 *    margin the order needs (110007 -> InsufficientBalanceError, a symbol-level error);
 * 4. the market fill at the open of the bar in progress (or the next bar) plus slippage.
 */
export type SendOutcome =
  | { readonly kind: 'filled'; readonly qty: number; readonly price: number; readonly time: number }
  /** Not sent (the actor records the order as rejected with a note; not a failure). */
  | { readonly kind: 'notSent'; readonly note: string }
  /** The order failed (the actor counts a failed iteration; a symbol-level error disables the strategy on the symbol). */
  | { readonly kind: 'failed'; readonly error: BybotError };

export interface SendRequest {
  readonly entry: ApprovedEntry;
  readonly orderLinkId: string;
  /** When the order leaves (the decision's tick time). */
  readonly time: number;
  readonly maxLeverage: number;
}

export function sendEntry(account: FastAccount, s: PriceSymbol, request: SendRequest): SendOutcome {
  const { entry } = request;
  const position = s.position;
  if (position.size !== 0) return { kind: 'notSent', note: `a position of ${Math.abs(position.size)} ${s.symbol} was opened since the risk decision` };
  const equity = account.equity();
  const available = account.available(equity);
  const fit = fitToMargin({ qty: entry.qty, price: entry.entryPrice, leverage: entry.leverage, availableBalance: available, instrument: s.instrument, maxLeverage: request.maxLeverage });
  if (!fit.ok) return { kind: 'notSent', note: fit.reason };
  position.leverage = fit.leverage;
  try {
    validateOrder(
      { symbol: s.symbol, side: entry.side, orderType: 'Market', qty: fit.qty, orderLinkId: request.orderLinkId, stopLoss: entry.stopLoss, takeProfit: entry.takeProfit },
      s.instrument,
      s.mark,
    );
  } catch (error) {
    return { kind: 'failed', error: toBybotError(error) };
  }
  const required = account.marginRequired(s, fit.qty);
  if (required > available) {
    return { kind: 'failed', error: new InsufficientBalanceError(`order needs ${required} USDT of margin, ${available} available`) };
  }
  const at = account.nextOpen(s, request.time);
  if (at === null) return { kind: 'failed', error: new OrderRejectedError(`entry ${request.orderLinkId} Cancelled: no price left in the data`) };
  const price = account.fillEntry(s, entry.side, fit.qty, at.open, at.start, entry.stopLoss, entry.takeProfit, request.orderLinkId);
  return { kind: 'filled', qty: fit.qty, price, time: at.start };
}
