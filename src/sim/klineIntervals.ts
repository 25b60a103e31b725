import { INTERVALS, type Interval } from '../domain/types.ts';

/**
 * Every kline interval Bybit serves (docs/v5/market/kline): the minute intervals we trade
 * on plus the calendar intervals D, W and M. Calendar candles are not a fixed number of ms
 * (months differ), so their boundaries are computed on the UTC calendar: a day starts at
 * 00:00 UTC, a week on Monday 00:00 UTC (Bybit's weekly candles; the docs do not state the
 * weekday, charts on bybit.com start weeks on Monday), a month on the 1st at 00:00 UTC.
 */
export const KLINE_INTERVALS = [...INTERVALS, 'D', 'W', 'M'] as const;
export type KlineInterval = (typeof KLINE_INTERVALS)[number];

const MINUTE = 60_000;
const DAY = 86_400_000;

export function isKlineInterval(value: string): value is KlineInterval {
  return (KLINE_INTERVALS as readonly string[]).includes(value);
}

export function isMinuteInterval(interval: KlineInterval): interval is Interval {
  return interval !== 'D' && interval !== 'W' && interval !== 'M';
}

/** Open time of the candle that contains `t`. */
export function klineStart(interval: KlineInterval, t: number): number {
  if (isMinuteInterval(interval)) {
    const step = Number(interval) * MINUTE;
    return Math.floor(t / step) * step;
  }
  const day = Math.floor(t / DAY);
  if (interval === 'D') return day * DAY;
  // 1970-01-01 was a Thursday: (day + 3) % 7 is the number of days since Monday.
  if (interval === 'W') return (day - (((day + 3) % 7) + 7) % 7) * DAY;
  const date = new Date(day * DAY);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** Open time of the candle after the one that opens at `start` (= its close time). */
export function klineNext(interval: KlineInterval, start: number): number {
  if (isMinuteInterval(interval)) return start + Number(interval) * MINUTE;
  if (interval === 'D') return start + DAY;
  if (interval === 'W') return start + 7 * DAY;
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** Open time of the first candle that starts at or after `t`. */
export function klineCeil(interval: KlineInterval, t: number): number {
  const start = klineStart(interval, t);
  return start === t ? start : klineNext(interval, start);
}
