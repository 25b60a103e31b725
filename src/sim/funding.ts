import type { FundingSchedule } from '../core/fills/funding.ts';

/**
 * Funding as the simulator advertises and reports it. The engine charges the settlements
 * of each symbol's FundingSchedule (src/core/fills/funding.ts: `simulator.fundingRate` at
 * 00:00, 08:00 and 16:00 UTC on the generated market, Bybit's default schedule,
 * `fundingInterval: 480` in instruments-info; the stored funding history on a replay), and
 * the tickers, the funding history and the `execType: "Funding"` executions are read from
 * that same schedule, so a client sees exactly what the wallet is charged.
 */
export const SIM_FUNDING_RATE = 0.0001;
export const FUNDING_INTERVAL_MS = 8 * 3_600_000;

export interface FundingSettlement {
  readonly time: number;
  readonly rate: number;
}

export interface FundingHistoryQuery {
  /** The market's origin: no settlement before it. */
  readonly origin: number;
  readonly now: number;
  readonly startTime?: number;
  readonly endTime?: number;
  /** 1..200. */
  readonly limit: number;
}

/** The next settlement strictly after `now` and its rate (the tickers' fundingRate / nextFundingTime). */
export function nextFunding(schedule: FundingSchedule, now: number): FundingSettlement {
  const k = schedule.firstAfter(now);
  if (k < schedule.length) return { time: schedule.time(k), rate: schedule.rate(k) };
  return { time: Math.floor(now / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS + FUNDING_INTERVAL_MS, rate: 0 };
}

/**
 * Settlements in [startTime, endTime] (endTime defaults to now and never passes it),
 * newest first, at most `limit`: Bybit's /v5/market/funding/history pages backwards from
 * `endTime` ("passing only endTime returns 200 records up till endTime").
 */
export function fundingHistory(schedule: FundingSchedule, q: FundingHistoryQuery): FundingSettlement[] {
  const upper = Math.min(q.endTime ?? q.now, q.now);
  const lower = Math.max(q.origin, q.startTime ?? q.origin);
  const out: FundingSettlement[] = [];
  for (let k = schedule.firstAfter(upper) - 1; k >= 0 && out.length < q.limit; k--) {
    const time = schedule.time(k);
    if (time < lower) break;
    out.push({ time, rate: schedule.rate(k) });
  }
  return out;
}
