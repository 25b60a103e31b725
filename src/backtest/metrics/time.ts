/** UTC calendar helpers for the results: days and months as the report and the JSON name them. */

export const DAY_MS = 86_400_000;

/** 00:00 UTC of the day containing t. */
export function dayStart(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS;
}

/**
 * The UTC day whose close a mark at time t belongs to. A mark at exactly 00:00 UTC is the
 * close of the day before (the equity "at midnight" ends a day), never the first mark of
 * the next one; `first` clamps marks at the run's start onto its first day.
 */
export function closingDayOf(t: number, first: number): number {
  return Math.max(first, dayStart(t - 1));
}

export function iso(t: number): string {
  return new Date(t).toISOString();
}

/** YYYY-MM-DD of the UTC day starting at t. */
export function isoDay(t: number): string {
  return iso(t).slice(0, 10);
}

/** YYYY-MM of the UTC month containing t. */
export function isoMonth(t: number): string {
  return iso(t).slice(0, 7);
}
