import { floorToStep } from '../core/steps.ts';
import { MARGIN_HEADROOM, chooseLeverage, leverageBounds } from '../core/risk/leverage.ts';
import type { Instrument } from '../domain/types.ts';

/**
 * Last check before an entry leaves: the risk decision was made on the balance seen when
 * the actor fetched its data, but other actors share the wallet and may have used margin
 * since. With the fresh available balance, keep the approved size if it fits (raising
 * leverage within the allowed bounds if needed), shrink it if it does not, and deny it if
 * what fits is below the exchange minimums. Never larger than approved.
 */
export type MarginFit =
  | { readonly ok: true; readonly qty: number; readonly leverage: number; readonly shrunk: boolean }
  | { readonly ok: false; readonly reason: string };

export interface MarginFitInput {
  readonly qty: number;
  readonly price: number;
  readonly leverage: number;
  readonly availableBalance: number;
  readonly instrument: Instrument;
  /** Highest leverage the risk limits allow for this symbol. */
  readonly maxLeverage: number;
}

export function fitToMargin(input: MarginFitInput): MarginFit {
  const { qty, price, instrument, availableBalance } = input;
  const bounds = leverageBounds(instrument, { maxLeverage: input.maxLeverage });
  if (!(availableBalance > 0)) return { ok: false, reason: `available balance is ${availableBalance}` };
  const notional = qty * price;
  const leverage = Math.max(input.leverage, chooseLeverage(notional, availableBalance, bounds));
  if ((notional * (1 + MARGIN_HEADROOM)) / leverage <= availableBalance) return { ok: true, qty, leverage, shrunk: false };
  const fitted = floorToStep((availableBalance * bounds.max) / ((1 + MARGIN_HEADROOM) * price), instrument.qtyStep);
  const smaller = Math.min(qty, fitted);
  if (smaller < instrument.minOrderQty || smaller * price < instrument.minNotional) {
    return {
      ok: false,
      reason: `available margin ${availableBalance.toFixed(2)} fits ${smaller} at ${bounds.max}x, below the minimum (qty ${instrument.minOrderQty}, value ${instrument.minNotional})`,
    };
  }
  return { ok: true, qty: smaller, leverage: bounds.max, shrunk: smaller < qty };
}
