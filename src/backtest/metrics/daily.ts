import type { DailyEquity, MonthlyReturn } from '../types.ts';
import type { EquityPath } from './path.ts';
import { DAY_MS, closingDayOf, dayStart, isoDay, isoMonth } from './time.ts';

/**
 * The run's UTC days: every day from the one containing `from` to the one containing the
 * last instant before `to` (a run ending at 00:00 does not touch the day that starts then).
 */
export interface DayGrid {
  readonly first: number;
  readonly count: number;
}

export function dayGrid(from: number, to: number): DayGrid {
  const first = dayStart(from);
  const last = dayStart(Math.max(to, from + 1) - 1);
  return { first, count: (last - first) / DAY_MS + 1 };
}

function dayIndex(grid: DayGrid, t: number): number {
  const i = (closingDayOf(t, grid.first) - grid.first) / DAY_MS;
  return Math.min(grid.count - 1, i);
}

/**
 * A return against a close that is not positive is 0 (an account at 0 has nothing left to
 * lose), and no return is below -100 % (equity below 0 is all of it lost).
 */
function ratio(value: number, previous: number): number {
  const r = previous > 0 ? Math.max(-1, value / previous - 1) : 0;
  // A denormal close can overflow the ratio; an account that small was ruined: nothing to gain.
  return Number.isFinite(r) ? r : 0;
}

/**
 * The portfolio's daily closes (the mark-to-market equity at 00:00 UTC ending each day, or
 * at `to` for the last one; a day without marks keeps the previous close) and the daily
 * return series r[d] = close[d] / close[d-1] - 1 (close[-1] = the starting equity).
 */
export function dailyCloses(path: EquityPath, grid: DayGrid, startEquity: number): { days: DailyEquity[]; returns: Float64Array } {
  const closes = new Float64Array(grid.count).fill(NaN);
  for (let i = 0; i < path.length; i++) closes[dayIndex(grid, path.time[i]!)] = path.equity[i]!;
  const returns = new Float64Array(grid.count);
  const days: DailyEquity[] = [];
  let previous = startEquity;
  for (let d = 0; d < grid.count; d++) {
    const close = Number.isNaN(closes[d]!) ? previous : closes[d]!;
    closes[d] = close;
    returns[d] = ratio(close, previous);
    days.push({ day: isoDay(grid.first + d * DAY_MS), equity: close, returnPct: returns[d]! * 100 });
    previous = close;
  }
  return { days, returns };
}

/**
 * A preset x symbol row's daily return series: the net PnL of its trades realised on each
 * UTC day (by exit time, same day rule as the closes) over the run's starting equity. It
 * is not compounded: the row has no equity of its own, only its share of the account's.
 */
export function realisedDailyReturns(trades: readonly { readonly exitTime: number; readonly netPnl: number }[], grid: DayGrid, startEquity: number): Float64Array {
  const returns = new Float64Array(grid.count);
  if (!(startEquity > 0)) return returns;
  for (const t of trades) returns[dayIndex(grid, t.exitTime)]! += t.netPnl / startEquity;
  return returns;
}

/** Each month's last daily close against the previous month's (the first: the starting equity). */
export function monthlyReturns(days: readonly DailyEquity[], startEquity: number): MonthlyReturn[] {
  const closes = new Map<string, number>();
  for (const d of days) closes.set(isoMonth(Date.parse(`${d.day}T00:00:00Z`)), d.equity);
  const out: MonthlyReturn[] = [];
  let previous = startEquity;
  for (const [month, equity] of closes) {
    out.push({ month, equity, pnl: equity - previous, returnPct: ratio(equity, previous) * 100 });
    previous = equity;
  }
  return out;
}
