import type { Instrument } from '../../domain/types.ts';
import type { RiskLimits } from './types.ts';

/** Integer leverage bounds: [max(1, instrument min), min(instrument max, config max)], never inverted. */
export function leverageBounds(instrument: Instrument, limits: Pick<RiskLimits, 'maxLeverage'>): { readonly min: number; readonly max: number } {
  const min = Math.max(1, Math.ceil(Number.isFinite(instrument.minLeverage) ? instrument.minLeverage : 1));
  const cap = Math.min(instrument.maxLeverage, limits.maxLeverage);
  const max = Number.isFinite(cap) ? Math.floor(cap) : min;
  return { min, max: Math.max(min, max) };
}

/**
 * The smallest integer leverage at which `notional` fits in the available margin, within
 * the bounds. Low leverage keeps the liquidation price far from the stop.
 */
/**
 * Headroom kept between the margin an entry needs and the available balance: the fill
 * price moves (slippage, time between decision and fill) and the taker fee is charged on
 * top, so sizing to exactly 100 % of the available margin gets the order rejected
 * (Bybit 110007) and, at the symbol level, the strategy disabled.
 */
export const MARGIN_HEADROOM = 0.02;

export function chooseLeverage(notional: number, availableBalance: number, bounds: { readonly min: number; readonly max: number }): number {
  if (!(availableBalance > 0) || !Number.isFinite(notional)) return bounds.max;
  // A hair of tolerance so 3.0000000000000004 does not become 4.
  const need = Math.ceil((notional * (1 + MARGIN_HEADROOM)) / availableBalance - 1e-9);
  return Math.min(bounds.max, Math.max(bounds.min, need));
}
