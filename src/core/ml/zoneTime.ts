import { DAY_MS } from '../data/utcTime.ts';

/**
 * Calendar features of a UTC epoch-ms instant, for the ML filter. The hour and weekday in
 * UTC are plain arithmetic; the hour and weekday in a configured IANA zone come from Intl
 * with that zone named explicitly, so the machine's own zone (TZ) never enters: a test runs
 * the features under TZ=Asia/Tokyo and TZ=America/New_York and requires them identical.
 * Pure: no clock is read, only the instant given.
 */

const HOUR_MS = 3_600_000;

/** 0..23 in UTC. */
export function utcHourOf(t: number): number {
  return Math.floor(t / HOUR_MS) - Math.floor(t / DAY_MS) * 24;
}

/** 0 = Sunday .. 6 = Saturday, in UTC (1970-01-01 was a Thursday). */
export function utcWeekdayOf(t: number): number {
  return (((Math.floor(t / DAY_MS) + 4) % 7) + 7) % 7;
}

/** True when `zone` is an IANA time zone Intl knows (config validation). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface ZoneTime {
  readonly hour: number;
  readonly weekday: number;
}

/**
 * Local hour and weekday in one IANA zone. One formatter per zone (building it is the
 * expensive part); the result of the last instant's 15-minute bucket is memoised, since
 * every real zone's offset changes only on a quarter-hour of UTC.
 */
export class ZoneClock {
  readonly zone: string;
  private readonly format: Intl.DateTimeFormat;
  private memoBucket = Number.NaN;
  private memoOffsetMin = 0;

  constructor(zone: string) {
    this.zone = zone;
    this.format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  }

  /** Offset of the zone from UTC at `t`, in minutes (e.g. -300 for New York in winter). */
  offsetMinutes(t: number): number {
    const bucket = Math.floor(t / 900_000);
    if (bucket === this.memoBucket) return this.memoOffsetMin;
    let y = 0, mo = 0, d = 0, h = 0, mi = 0;
    for (const p of this.format.formatToParts(bucket * 900_000)) {
      if (p.type === 'year') y = Number(p.value);
      else if (p.type === 'month') mo = Number(p.value);
      else if (p.type === 'day') d = Number(p.value);
      else if (p.type === 'hour') h = Number(p.value);
      else if (p.type === 'minute') mi = Number(p.value);
    }
    const offset = Math.round((Date.UTC(y, mo - 1, d, h, mi) - bucket * 900_000) / 60_000);
    this.memoBucket = bucket;
    this.memoOffsetMin = offset;
    return offset;
  }

  at(t: number): ZoneTime {
    const local = t + this.offsetMinutes(t) * 60_000;
    return { hour: utcHourOf(local), weekday: utcWeekdayOf(local) };
  }
}
