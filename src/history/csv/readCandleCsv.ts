import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { intervalMs, type Interval } from '../../domain/types.ts';
import { CandleColumnsBuilder } from '../columns.ts';
import { invalid } from '../errors.ts';
import type { CandleColumns } from '../types.ts';
import { detectTimestampFormat, parseTimestamp, type TimestampFormat } from './timestamps.ts';

/**
 * Reads a candle CSV: a header row, then one candle per row. Columns are found by name,
 * case-insensitively, in any order (others are ignored): the open time (`timestamp`,
 * `open_time`, `start` or `time`, first found in that order), `open`, `high`, `low`,
 * `close`, `volume` and, optionally, `turnover`. Every row goes through one zod schema:
 * a time in the file's format on the interval's grid, positive finite prices, high/low
 * enclosing open and close, a non-negative volume (and turnover). A bad row is reported
 * with its line number, the field and the value. Rows may come in any order; a second
 * row for the same open time is a bad row (the file contradicts itself).
 */
export const TIME_COLUMNS = ['timestamp', 'open_time', 'start', 'time'] as const;
const REQUIRED = ['open', 'high', 'low', 'close', 'volume'] as const;

export interface BadRow {
  readonly line: number;
  readonly field: string;
  readonly value: string;
  readonly reason: string;
}

export interface CsvRead {
  /** The valid rows, sorted by open time, unique. */
  readonly candles: CandleColumns;
  /** Data rows read (header excluded). */
  readonly rows: number;
  /** Bad rows in line order (at most `maxBadRows` kept; `badRows` counts all). */
  readonly bad: readonly BadRow[];
  readonly badRows: number;
  readonly columns: { readonly time: string; readonly format: TimestampFormat | null; readonly turnover: boolean };
}

const fieldError = (field: string, value: string, reason: string) => ({ field, value, reason });
type Issue = ReturnType<typeof fieldError>;

const DECIMAL = /^\s*\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** One zod step per cell (a chain of string/regex/number steps costs 3x more per row). */
function decimalCell(what: 'price' | 'amount' | 'optional') {
  return z.string().transform((v, ctx) => {
    if (what === 'optional' && v.trim() === '') return Number.NaN;
    if (v.trim() === '') ctx.addIssue({ code: 'custom', message: 'is empty' });
    else if (!DECIMAL.test(v)) ctx.addIssue({ code: 'custom', message: what === 'price' ? 'is not a positive number' : 'is not a non-negative number' });
    else {
      const n = Number(v);
      if (!Number.isFinite(n)) ctx.addIssue({ code: 'custom', message: 'is not finite' });
      else if (what === 'price' && n <= 0) ctx.addIssue({ code: 'custom', message: 'must be > 0' });
      else return n;
    }
    return z.NEVER;
  });
}
const price = decimalCell('price');
const amount = decimalCell('amount');
const optionalAmount = decimalCell('optional');

/** The row schema: built per file, because the time format and the grid are the file's. */
function rowSchema(format: TimestampFormat, step: number) {
  const time = z.string().transform((v, ctx) => {
    const t = parseTimestamp(v, format);
    if (!t.ok) {
      ctx.addIssue({ code: 'custom', message: t.reason });
      return z.NEVER;
    }
    if (t.ms % step !== 0) {
      ctx.addIssue({ code: 'custom', message: `is not on the ${step / 60_000}-minute grid (${new Date(t.ms).toISOString()})` });
      return z.NEVER;
    }
    return t.ms;
  });
  return z
    .object({ time, open: price, high: price, low: price, close: price, volume: amount, turnover: optionalAmount })
    .superRefine((r, ctx) => {
      if (r.high < Math.max(r.open, r.close)) ctx.addIssue({ code: 'custom', path: ['high'], message: `is below max(open, close) = ${Math.max(r.open, r.close)}` });
      if (r.low > Math.min(r.open, r.close)) ctx.addIssue({ code: 'custom', path: ['low'], message: `is above min(open, close) = ${Math.min(r.open, r.close)}` });
    });
}

function headerIndex(header: readonly string[], file: string): { index: Record<string, number>; time: string; turnover: boolean } {
  const names = header.map((h) => h.trim().toLowerCase());
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (seen.has(n) && n !== '') throw invalid(`${file}: the header names column "${header[i]}" twice (columns ${seen.get(n)! + 1} and ${i + 1})`);
    seen.set(n, i);
  });
  const time = TIME_COLUMNS.find((c) => seen.has(c));
  const missing = [...(time ? [] : [`a time column (${TIME_COLUMNS.join(', ')})`]), ...REQUIRED.filter((c) => !seen.has(c))];
  if (missing.length > 0) throw invalid(`${file}: the header has no ${missing.join(', no ')} (header: ${header.join(',')})`);
  const index: Record<string, number> = { time: seen.get(time!)! };
  for (const c of REQUIRED) index[c] = seen.get(c)!;
  if (seen.has('turnover')) index['turnover'] = seen.get('turnover')!;
  return { index, time: header[seen.get(time!)!]!.trim(), turnover: seen.has('turnover') };
}

/**
 * The file's records with their line numbers. Plain lines are split on commas; a line with
 * a quote goes through csv-parse (quoted fields, escaped quotes). One record per line: a
 * field with a line break in it is not supported (candle files have none), and reading
 * line by line keeps line numbers exact and is 10x faster than csv-parse on every line.
 */
async function* csvRecords(path: string): AsyncGenerator<[number, string[] | null]> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const raw of lines) {
    n++;
    const text = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    if (!text.includes('"')) {
      yield [n, text.split(',')];
      continue;
    }
    try {
      yield [n, (parse(text, { relax_column_count: true, relax_quotes: true }) as string[][])[0] ?? []];
    } catch {
      yield [n, null];
    }
  }
}

export async function readCandleCsv(path: string, symbol: string, interval: Interval, maxBadRows = 1000): Promise<CsvRead> {
  if (!existsSync(path) || !statSync(path).isFile()) throw invalid(`${path}: no such file`);
  const step = intervalMs(interval);
  const builder = new CandleColumnsBuilder();
  let lines: number[] = [];
  const bad: BadRow[] = [];
  let badRows = 0;
  let rows = 0;
  let header: ReturnType<typeof headerIndex> | null = null;
  let width = 0;
  let format: TimestampFormat | null = null;
  let schema: ReturnType<typeof rowSchema> | null = null;
  let sorted = true;
  const report = (line: number, issue: Issue) => {
    badRows++;
    if (bad.length < maxBadRows) bad.push({ line, ...issue });
  };

  for await (const [line, record] of csvRecords(path)) {
    if (record === null && !header) throw invalid(`${path}: line ${line}: the header has an unterminated quote`);
    if (!header) {
      header = headerIndex(record!, path);
      width = record!.length;
      continue;
    }
    rows++;
    if (record === null) {
      report(line, fieldError('row', '', 'has an unterminated quote'));
      continue;
    }
    if (record.length !== width) {
      report(line, fieldError('row', record.join(','), `has ${record.length} fields, the header has ${width}`));
      continue;
    }
    const cell = (name: string) => (header!.index[name] === undefined ? '' : (record[header!.index[name]!] ?? ''));
    if (!format) {
      format = detectTimestampFormat(cell('time'));
      if (!format) {
        report(line, fieldError(header.time, cell('time'), 'is not a timestamp (epoch ms, epoch s or ISO-8601)'));
        continue;
      }
      schema = rowSchema(format, step);
    }
    const parsed = schema!.safeParse({ time: cell('time'), open: cell('open'), high: cell('high'), low: cell('low'), close: cell('close'), volume: cell('volume'), turnover: cell('turnover') });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const key = String(issue.path[0] ?? 'row');
      report(line, fieldError(key === 'time' ? header.time : key, key === 'row' ? record.join(',') : cell(key), issue.message));
      continue;
    }
    const r = parsed.data;
    if (builder.length > 0 && r.time <= builder.last()) sorted = false;
    builder.push(r.time, r.open, r.high, r.low, r.close, r.volume, r.turnover);
    lines.push(line);
  }
  if (!header) throw invalid(`${path}: the file is empty (expected a header row)`);

  let candles = builder.build(symbol, interval);
  if (!sorted) {
    // Sort by time (ties: file order); a repeated time is a bad row, the first one is kept.
    const order = Array.from({ length: candles.length }, (_, i) => i).sort((a, b) => candles.start[a]! - candles.start[b]! || lines[a]! - lines[b]!);
    const keep: number[] = [];
    for (const i of order) {
      const prev = keep[keep.length - 1];
      if (prev !== undefined && candles.start[prev] === candles.start[i]) {
        report(lines[i]!, fieldError(header.time, new Date(candles.start[i]!).toISOString(), `repeats the open time of line ${lines[prev]}`));
      } else {
        keep.push(i);
      }
    }
    const pick = (col: Float64Array) => Float64Array.from(keep, (i) => col[i]!);
    candles = { ...candles, length: keep.length, start: pick(candles.start), open: pick(candles.open), high: pick(candles.high), low: pick(candles.low), close: pick(candles.close), volume: pick(candles.volume), turnover: pick(candles.turnover) };
    bad.sort((a, b) => a.line - b.line);
  }
  lines = [];
  return { candles, rows, bad, badRows, columns: { time: header.time, format, turnover: header.turnover } };
}
