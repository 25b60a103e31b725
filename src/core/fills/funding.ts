import { money } from '../account/money.ts';

/**
 * Funding of linear perpetuals (Bybit): at each settlement an open position pays (or
 * receives) position value at mark x rate; longs pay shorts when the rate is positive.
 * Settlements are at 00:00, 08:00 and 16:00 UTC, or at the times of the stored funding
 * history when there is one (some symbols settle more often).
 *
 * A position is charged at a settlement when it was opened BEFORE the settlement time and is
 * still open once every bar ending at or before it has been processed: an entry filled at
 * exactly the settlement time (the open of the bar starting then) does not pay it.
 */

export const FUNDING_PERIOD_MS = 8 * 3_600_000;

/** Payment of one settlement: > 0 paid by the account, < 0 received. `size` is signed (+ long). */
export function fundingPayment(size: number, mark: number, rate: number): number {
  return money(size * mark * rate);
}

/** Settlement times and rates of one symbol, oldest first. Read by index, never copied per use. */
export interface FundingSchedule {
  readonly source: 'history' | 'configured' | 'none';
  readonly length: number;
  time(index: number): number;
  rate(index: number): number;
  /** Index of the first settlement strictly after `t` (length when none). */
  firstAfter(t: number): number;
}

/** A constant rate at 00:00, 08:00 and 16:00 UTC between `from` and `to` (inclusive). */
export function configuredSchedule(rate: number, from: number, to: number): FundingSchedule {
  const first = Math.ceil(from / FUNDING_PERIOD_MS) * FUNDING_PERIOD_MS;
  const length = rate === 0 || to < first ? 0 : Math.floor((to - first) / FUNDING_PERIOD_MS) + 1;
  return {
    source: rate === 0 ? 'none' : 'configured',
    length,
    time: (i) => first + i * FUNDING_PERIOD_MS,
    rate: () => rate,
    firstAfter: (t) => Math.min(length, Math.max(0, Math.floor((t - first) / FUNDING_PERIOD_MS) + 1)),
  };
}

/** The stored settlements (time ascending, as the history store returns them). */
export function historySchedule(times: Float64Array, rates: Float64Array): FundingSchedule {
  const length = Math.min(times.length, rates.length);
  return {
    source: 'history',
    length,
    time: (i) => times[i]!,
    rate: (i) => rates[i]!,
    firstAfter: (t) => {
      let lo = 0;
      let hi = length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (times[mid]! > t) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
  };
}
