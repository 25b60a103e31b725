import type { Instrument, Side } from '../../domain/types.ts';
import { ceilToStep, floorToStep, roundToStep } from '../steps.ts';

/**
 * Entry, stop and target on the instrument's tick grid. Rounding directions are chosen so
 * the order is never riskier than the signal said:
 * - entry: nearest tick (it is a reference price; market orders fill where they fill);
 * - stop: AWAY from the entry (long: down, short: up), so the stop distance used for
 *   sizing is never understated and the risk per trade stays within budget;
 * - target: TOWARD the entry (long: down, short: up), so reward/risk is never overstated.
 */
export interface GridPrices {
  readonly entry: number;
  readonly stop: number;
  readonly target: number;
}

export function pricesOnGrid(side: Side, entry: number, stop: number, target: number, instrument: Instrument): GridPrices {
  const tick = instrument.tickSize;
  const long = side === 'Buy';
  return {
    entry: roundToStep(entry, tick),
    stop: long ? floorToStep(stop, tick) : ceilToStep(stop, tick),
    target: long ? floorToStep(target, tick) : ceilToStep(target, tick),
  };
}

/** Null when the prices make a valid protected entry, else why not. */
export function stopProblem(side: Side, prices: GridPrices): string | null {
  const { entry, stop } = prices;
  if (!Number.isFinite(entry) || entry <= 0) return `entry price ${entry} is not a positive number`;
  if (!Number.isFinite(stop) || stop <= 0) return `stop ${stop} is not a positive number`;
  if (side === 'Buy' && stop >= entry) return `long stop ${stop} is not below entry ${entry}`;
  if (side === 'Sell' && stop <= entry) return `short stop ${stop} is not above entry ${entry}`;
  return null;
}

/** |target - entry| / |entry - stop|, or 0 when the target is missing or on the wrong side. */
export function rewardRisk(side: Side, prices: GridPrices): number {
  const risk = Math.abs(prices.entry - prices.stop);
  const reward = side === 'Buy' ? prices.target - prices.entry : prices.entry - prices.target;
  if (!Number.isFinite(reward) || !(risk > 0) || reward <= 0 || !(prices.target > 0)) return 0;
  return reward / risk;
}
