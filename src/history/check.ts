import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCandles, type QualityReason } from '../core/data/validate.ts';
import { INTERVALS, intervalMs, type Interval } from '../domain/types.ts';
import { decodeCandles, decodeFunding } from './arrowFile.ts';
import { candleAt } from './columns.ts';
import { hasPendingCommit } from './commit.ts';
import { stagingFileName } from './download/staging.ts';
import { sha256 } from './manifest.ts';
import type { FileHistoryStore } from './store.ts';
import type { CandleColumns } from './types.ts';

/**
 * `npm run data -- check`: is the stored history fit for a backtest? Data quality is judged
 * by the validator the live actors use (src/core/data/validate.ts, `validateCandles`), run
 * over the series in windows; where a window is not clean, each candle and each adjacent
 * pair of it goes through the same validator again, to name the exact rows (non-finite,
 * negative, high/low inconsistent), duplicates, disorder and gaps. On top, what only the
 * store can know: files changed or damaged since they were written (SHA-256 against the
 * manifest), interrupted writes, and runs of zero-volume candles (the validator only
 * rejects a window whose volume is zero throughout).
 */
export interface CheckIssue {
  readonly kind: 'integrity' | 'pending' | 'validator' | QualityReason | 'ZERO_VOLUME_RUN';
  readonly detail: string;
  readonly from?: number;
  readonly to?: number;
}

export interface SeriesCheck {
  readonly what: string;
  readonly symbol: string;
  readonly interval?: Interval;
  readonly rows: number;
  readonly from?: number;
  readonly to?: number;
  readonly issues: readonly CheckIssue[];
  /** Issues found in total (the list keeps at most `maxListed` per kind). */
  readonly issueCount: number;
}

export interface CheckOptions {
  readonly symbol?: string;
  readonly interval?: Interval;
  /** Zero-volume runs at least this long are reported. */
  readonly minZeroRun: number;
  readonly maxListed: number;
}

const WINDOW = 5000;
const ROW_REASONS = new Set<QualityReason>(['NON_FINITE', 'NEGATIVE', 'OHLC_INCONSISTENT', 'DUPLICATE', 'OUT_OF_ORDER', 'GAP']);
const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString().replace('.000Z', 'Z') : String(t));

class Issues {
  readonly list: CheckIssue[] = [];
  count = 0;
  private readonly perKind = new Map<string, number>();
  constructor(private readonly maxListed: number) {}
  add(issue: CheckIssue): void {
    this.count++;
    const n = (this.perKind.get(issue.kind) ?? 0) + 1;
    this.perKind.set(issue.kind, n);
    if (n <= this.maxListed) this.list.push(issue);
    else if (n === this.maxListed + 1) this.list.push({ kind: issue.kind, detail: `... more ${issue.kind} issues not listed` });
  }
}

/**
 * The validator's verdict on candles [a, b) of the series ("now" one interval after the
 * newest). A NaN turnover means the source had none (a CSV without the column), not a bad
 * value, so it is shown to the validator as 0: validateCandles rejects any non-finite field.
 */
function verdict(c: CandleColumns, a: number, b: number, step: number) {
  const rows = [];
  for (let i = a; i < b; i++) {
    const row = candleAt(c, i);
    rows.push(Number.isNaN(row.turnover) ? { ...row, turnover: 0 } : row);
  }
  let newest = Number.NEGATIVE_INFINITY;
  for (const r of rows) if (Number.isFinite(r.start) && r.start > newest) newest = r.start;
  return validateCandles(rows, { intervalMs: step, now: newest + step, maxStalenessMs: Number.POSITIVE_INFINITY, minCandles: 1 });
}

/** Names the rows and pairs of a window the validator flagged. */
function localise(c: CandleColumns, a: number, b: number, step: number, out: Issues): void {
  for (let i = a; i < b; i++) {
    const single = verdict(c, i, i + 1, step);
    if (!single.ok && ROW_REASONS.has(single.primary)) {
      const row = `open ${c.open[i]} high ${c.high[i]} low ${c.low[i]} close ${c.close[i]} volume ${c.volume[i]}`;
      out.add({ kind: single.primary, detail: `candle ${iso(c.start[i]!)}: ${row}`, from: c.start[i]!, to: c.start[i]! });
      continue;
    }
    if (i === a) continue;
    const pair = verdict(c, i - 1, i + 1, step);
    if (pair.ok) continue;
    for (const reason of pair.reasons) {
      if (reason === 'GAP' && c.start[i]! > c.start[i - 1]!) {
        const missing = Math.round((c.start[i]! - c.start[i - 1]!) / step) - 1;
        out.add({ kind: 'GAP', detail: `${missing} candle(s) missing: ${iso(c.start[i - 1]! + step)} .. ${iso(c.start[i]! - step)}`, from: c.start[i - 1]! + step, to: c.start[i]! - step });
      } else if (reason === 'DUPLICATE' || reason === 'OUT_OF_ORDER') {
        out.add({ kind: reason, detail: `candle ${iso(c.start[i]!)} after ${iso(c.start[i - 1]!)}`, from: c.start[i]!, to: c.start[i]! });
      }
    }
  }
}

function zeroVolumeRuns(c: CandleColumns, minRun: number, out: Issues): void {
  let runStart = -1;
  for (let i = 0; i <= c.length; i++) {
    const zero = i < c.length && c.volume[i] === 0;
    if (zero && runStart < 0) runStart = i;
    if (!zero && runStart >= 0) {
      const n = i - runStart;
      if (n >= minRun) out.add({ kind: 'ZERO_VOLUME_RUN', detail: `${n} zero-volume candles: ${iso(c.start[runStart]!)} .. ${iso(c.start[i - 1]!)}`, from: c.start[runStart]!, to: c.start[i - 1]! });
      runStart = -1;
    }
  }
}

/** Reads a stored file and compares it with the manifest's SHA-256; null when unreadable. */
function integrity(path: string, expected: string, out: Issues): Buffer | null {
  if (!existsSync(path)) {
    out.add({ kind: 'integrity', detail: `${path} is listed in the manifest but missing` });
    return null;
  }
  const bytes = readFileSync(path);
  const actual = sha256(bytes);
  if (actual !== expected) out.add({ kind: 'integrity', detail: `${path} was changed after it was written: SHA-256 ${actual.slice(0, 12)}..., the manifest records ${expected.slice(0, 12)}...` });
  return bytes;
}

function checkCandles(store: FileHistoryStore, symbol: string, interval: Interval, o: CheckOptions): SeriesCheck {
  const entry = store.manifest(symbol)!.candles[interval]!;
  const out = new Issues(o.maxListed);
  const path = join(store.symbolDir(symbol), entry.file);
  const step = intervalMs(interval);
  const bytes = integrity(path, entry.sha256, out);
  let c: CandleColumns | null = null;
  if (bytes) {
    try {
      c = decodeCandles(bytes, path);
    } catch (error) {
      out.add({ kind: 'integrity', detail: error instanceof Error ? error.message : String(error) });
    }
  }
  if (c) {
    const first = c.length > 0 ? c.start[0]! : Number.NaN;
    const last = c.length > 0 ? c.start[c.length - 1]! : Number.NaN;
    if (c.length !== entry.rows || first !== entry.from || last !== entry.to) {
      out.add({ kind: 'integrity', detail: `the file holds ${c.length} rows ${iso(first)} .. ${iso(last)}, the manifest says ${entry.rows} rows ${iso(entry.from)} .. ${iso(entry.to)}` });
    }
    const reasons = new Set<string>();
    // Windows overlap by one candle so a gap or disorder across a boundary is seen.
    for (let a = 0; a < c.length; a += WINDOW - 1) {
      const b = Math.min(a + WINDOW, c.length);
      const v = verdict(c, a, b, step);
      if (!v.ok) {
        for (const r of v.reasons) reasons.add(r);
        if (v.reasons.some((r) => ROW_REASONS.has(r))) localise(c, a, b, step, out);
        if (v.severity === 'unusable' && !ROW_REASONS.has(v.primary)) out.add({ kind: v.primary, detail: `${iso(c.start[a]!)} .. ${iso(c.start[b - 1]!)}: ${v.detail}`, from: c.start[a]!, to: c.start[b - 1]! });
      }
      if (b === c.length) break;
    }
    if (reasons.size > 0) out.add({ kind: 'validator', detail: `validateCandles found ${[...reasons].join(', ')}` });
    zeroVolumeRuns(c, o.minZeroRun, out);
  }
  if (existsSync(join(store.symbolDir(symbol), stagingFileName(interval)))) {
    out.add({ kind: 'pending', detail: `an interrupted download left pages in ${stagingFileName(interval)}: run the download again to finish it` });
  }
  return { what: 'candles', symbol, interval, rows: c?.length ?? entry.rows, from: entry.from, to: entry.to, issues: out.list, issueCount: out.count };
}

function checkFunding(store: FileHistoryStore, symbol: string, o: CheckOptions): SeriesCheck | null {
  const entry = store.manifest(symbol)!.funding;
  if (!entry) return null;
  const out = new Issues(o.maxListed);
  const path = join(store.symbolDir(symbol), entry.file);
  const bytes = integrity(path, entry.sha256, out);
  if (bytes) {
    try {
      const f = decodeFunding(bytes, path);
      for (let i = 0; i < f.length; i++) {
        if (!Number.isFinite(f.rate[i]!)) out.add({ kind: 'NON_FINITE', detail: `funding rate at ${iso(f.time[i]!)} is ${f.rate[i]}` });
        if (i > 0 && !(f.time[i]! > f.time[i - 1]!)) out.add({ kind: 'OUT_OF_ORDER', detail: `funding settlement ${iso(f.time[i]!)} after ${iso(f.time[i - 1]!)}` });
      }
      if (f.length !== entry.rows) out.add({ kind: 'integrity', detail: `the file holds ${f.length} settlements, the manifest says ${entry.rows}` });
    } catch (error) {
      out.add({ kind: 'integrity', detail: error instanceof Error ? error.message : String(error) });
    }
  }
  return { what: 'funding', symbol, rows: entry.rows, from: entry.from, to: entry.to, issues: out.list, issueCount: out.count };
}

function checkInstrument(store: FileHistoryStore, symbol: string, o: CheckOptions): SeriesCheck | null {
  const entry = store.manifest(symbol)!.instrument;
  if (!entry) return null;
  const out = new Issues(o.maxListed);
  if (integrity(join(store.symbolDir(symbol), entry.file), entry.sha256, out)) {
    try {
      store.loadInstrument(symbol);
    } catch (error) {
      out.add({ kind: 'integrity', detail: error instanceof Error ? error.message : String(error) });
    }
  }
  return { what: 'instrument', symbol, rows: 1, issues: out.list, issueCount: out.count };
}

/** Checks every stored series (or the one asked for); unreadable manifests are issues too. */
export function checkStore(store: FileHistoryStore, o: CheckOptions): SeriesCheck[] {
  const symbols = o.symbol ? [o.symbol] : store.symbols();
  const results: SeriesCheck[] = [];
  for (const symbol of symbols) {
    let manifest;
    try {
      if (hasPendingCommit(store.symbolDir(symbol))) {
        const outcome = store.tryRecover(symbol);
        if (outcome === 'busy') results.push({ what: 'store', symbol, rows: 0, issues: [{ kind: 'pending', detail: 'another data command is writing this symbol' }], issueCount: 1 });
      }
      manifest = store.manifest(symbol);
    } catch (error) {
      results.push({ what: 'manifest', symbol, rows: 0, issues: [{ kind: 'integrity', detail: error instanceof Error ? error.message : String(error) }], issueCount: 1 });
      continue;
    }
    if (!manifest) continue;
    for (const interval of INTERVALS) {
      if (o.interval && interval !== o.interval) continue;
      if (manifest.candles[interval]) results.push(checkCandles(store, symbol, interval, o));
    }
    if (!o.interval) {
      const funding = checkFunding(store, symbol, o);
      if (funding) results.push(funding);
      const instrument = checkInstrument(store, symbol, o);
      if (instrument) results.push(instrument);
    }
  }
  return results;
}
