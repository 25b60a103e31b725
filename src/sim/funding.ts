/**
 * Funding of the simulated perpetuals. The simulator advertises one constant rate (its
 * tickers' `fundingRate`) settled every 8 hours at 00:00, 08:00 and 16:00 UTC, Bybit's
 * default schedule (`fundingInterval: 480` in instruments-info). Its funding history is
 * that same rate at every settlement since the market's origin, so a client that
 * downloads the history sees exactly what the tickers announced.
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

/** The next settlement strictly after `now`. */
export function nextFundingTime(now: number): number {
  return Math.floor(now / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS + FUNDING_INTERVAL_MS;
}

/**
 * Settlements in [startTime, endTime] (endTime defaults to now and never passes it),
 * newest first, at most `limit`: Bybit's /v5/market/funding/history pages backwards from
 * `endTime` ("passing only endTime returns 200 records up till endTime").
 */
export function fundingHistory(q: FundingHistoryQuery): FundingSettlement[] {
  const upper = Math.min(q.endTime ?? q.now, q.now);
  const lower = Math.max(q.origin, q.startTime ?? q.origin);
  const out: FundingSettlement[] = [];
  for (let t = Math.floor(upper / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS; t >= lower && out.length < q.limit; t -= FUNDING_INTERVAL_MS) {
    out.push({ time: t, rate: SIM_FUNDING_RATE });
  }
  return out;
}
