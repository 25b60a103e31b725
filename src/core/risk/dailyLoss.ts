import { utcDayStart } from '../data/utcTime.ts';

export { utcDayStart };

/** Equity at or below which the daily loss limit is reached. */
export function dailyLossFloor(dayStartEquity: number, limitPct: number): number {
  return dayStartEquity * (1 - limitPct / 100);
}

/**
 * True when equity has fallen to dayStartEquity x (1 - limitPct / 100) or below. Unknowable
 * inputs resolve to the safe side: a non-finite equity counts as reached; a missing
 * (non-positive or non-finite) day-start equity or limit cannot define a floor, so it does not.
 */
export function dailyLossReached(dayStartEquity: number, equity: number, limitPct: number): boolean {
  if (!Number.isFinite(equity)) return true;
  if (!Number.isFinite(dayStartEquity) || dayStartEquity <= 0 || !Number.isFinite(limitPct) || limitPct < 0) return false;
  return equity <= dailyLossFloor(dayStartEquity, limitPct);
}
