/**
 * Timestamps in CSV files, always read as UTC (never the machine's zone: `Date.parse`
 * reads "2022-07-01T00:00:00" as local time, so it is not used). A file keeps one format:
 * the first data row decides, and a row in another format is a bad row, so a file that
 * mixes seconds and milliseconds cannot slip through.
 *   epoch-ms   1656633600000 (13 digits; any integer >= 1e11)
 *   epoch-s    1656633600 (below 1e11; a fraction such as 1656633600.5 is allowed)
 *   datetime   ISO-8601 or SQL style: 2022-07-01T00:00:00Z, 2022-07-01 00:00:00,
 *              2022-07-01T00:00:00.000+02:00, 2022-07-01 (midnight); no zone = UTC
 */
export type TimestampFormat = 'epoch-ms' | 'epoch-s' | 'datetime';

const EPOCH = /^\d+(\.\d+)?$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
/** Epoch values at or above this are milliseconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const MS_THRESHOLD = 1e11;

export function detectTimestampFormat(value: string): TimestampFormat | null {
  const v = value.trim();
  if (EPOCH.test(v)) return Number(v) >= MS_THRESHOLD ? 'epoch-ms' : 'epoch-s';
  if (DATETIME.test(v)) return 'datetime';
  return null;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export type ParsedTimestamp = { ok: true; ms: number } | { ok: false; reason: string };

const fail = (reason: string): ParsedTimestamp => ({ ok: false, reason });

function parseDatetime(v: string): ParsedTimestamp {
  const m = DATETIME.exec(v);
  if (!m) return fail('is not an ISO-8601 time such as 2022-07-01T00:00:00Z or 2022-07-01 00:00:00');
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const fraction = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return fail('is not a valid date and time');
  if (day < 1 || day > daysInMonth(year, month)) return fail('is not a valid calendar date');
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    if (Number(digits.slice(0, 2)) > 23 || Number(digits.slice(2) || '0') > 59) return fail('has an invalid zone offset');
    ms -= (zone[0] === '-' ? -1 : 1) * offset * 60_000;
  }
  return { ok: true, ms };
}

/** Parses `value` in the file's format; UTC epoch ms. */
export function parseTimestamp(value: string, format: TimestampFormat): ParsedTimestamp {
  const v = value.trim();
  if (v === '') return fail('is empty');
  const own = detectTimestampFormat(v);
  if (own === null) return fail('is not a timestamp (epoch ms, epoch s or ISO-8601)');
  if (own !== format) return fail(`is ${own}, but the file's first row is ${format}`);
  if (format === 'datetime') return parseDatetime(v);
  const n = Number(v);
  const ms = format === 'epoch-s' ? Math.round(n * 1000) : n;
  if (!Number.isSafeInteger(ms)) return fail('is not a whole number of milliseconds');
  return { ok: true, ms };
}
