import { toFixedNumber } from '../fixedRound.ts';

/**
 * USDT amounts (fees, pnl, balances) are kept to 8 decimals, as Bybit reports them, so
 * sums of many fills do not drift with binary float noise.
 */
export function money(value: number): number {
  return toFixedNumber(value, 8);
}

/** Average prices keep more digits than the tick (as on Bybit) but not the float noise of a division. */
export function averagePrice(value: number, qty: number): number {
  return toFixedNumber(value / qty, 10);
}
