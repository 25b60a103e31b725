/** UTC calendar arithmetic on epoch milliseconds (no Date objects, no local time zone). */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** Start of the UTC day containing `ms`. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Start of the `sizeMs` bucket containing `ms`, buckets aligned to the epoch (as exchange candles are). */
export function bucketStart(ms: number, sizeMs: number): number {
  return Math.floor(ms / sizeMs) * sizeMs;
}
