import { join } from 'node:path';
import { intervalMs, type Interval } from '../../domain/types.ts';
import { CandleColumnsBuilder, uniqueByStart } from '../columns.ts';
import { invalid } from '../errors.ts';
import type { FileHistoryStore } from '../store.ts';
import type { HistoryWriteReport } from '../types.ts';
import type { HistorySource } from './source.ts';
import { readStaging, removeStaging, stagingFileName, StagingWriter } from './staging.ts';

/**
 * `npm run data -- download`: pages Bybit's public klines oldest first, 1000 per request,
 * into the store, then the funding-rate history and the instrument's filters.
 *
 * Resumable: every page is appended to the series' staging journal (staging.ts) before it
 * counts, and the journal is folded into the store at the end, or at the start of the next
 * run when this one was killed. What the store already holds (its rows' span, and every
 * window a download has covered, empty ones included) is never requested again.
 *
 * Every request names both ends of a window of exactly `limit` candles, so the answer does
 * not depend on which end Bybit anchors a longer range to. Only closed candles are kept
 * (the newest one Bybit sends may still be forming).
 */
export const PAGE = 1000;
const FUNDING_PAGE = 200;

export interface DownloadRequest {
  readonly symbol: string;
  readonly interval: Interval;
  /** Inclusive: candles opening at or after this time. */
  readonly from: number;
  /** Exclusive: candles opening before this time. */
  readonly to: number;
}

export interface DownloadProgress {
  readonly page: number;
  /** Candles of the missing windows covered so far / in total. */
  readonly done: number;
  readonly total: number;
  /** Open time of the last candle of the page. */
  readonly upTo: number;
}

export interface DownloadSummary {
  readonly symbol: string;
  readonly interval: Interval;
  readonly source: string;
  /** Candle rows an interrupted earlier run had fetched (folded in at the start). */
  readonly recovered: number;
  readonly pages: number;
  readonly fetched: number;
  /** Candles of the requested range already covered by the store (not requested again). */
  readonly alreadyStored: number;
  /** Rows the exchange sent with a non-finite value (not stored). */
  readonly dropped: number;
  readonly candles: HistoryWriteReport | null;
  readonly funding: HistoryWriteReport | null;
  readonly instrument: boolean;
}

export interface DownloadOptions {
  readonly onProgress?: (p: DownloadProgress) => void;
  readonly onWarning?: (message: string) => void;
}

type Range = [number, number];

/** Parts of [lo, hi] (inclusive, on a grid of `step`) not covered by `have`. */
export function subtractRanges(lo: number, hi: number, have: ReadonlyArray<readonly [number, number]>, step: number): Range[] {
  let parts: Range[] = hi >= lo ? [[lo, hi]] : [];
  for (const [a, b] of have) {
    const next: Range[] = [];
    for (const [x, y] of parts) {
      if (b < x || a > y) {
        next.push([x, y]);
        continue;
      }
      if (a > x) next.push([x, Math.ceil(a / step) * step - step]);
      if (b < y) next.push([Math.floor(b / step) * step + step, y]);
    }
    parts = next.filter(([x, y]) => y >= x);
  }
  return parts;
}

/** Folds what an interrupted download left into the store; returns the rows folded. */
function foldStaging(store: FileHistoryStore, symbol: string, interval: Interval, source: string): { rows: number; report: HistoryWriteReport | null } {
  const path = join(store.symbolDir(symbol), stagingFileName(interval));
  const staged = readStaging(path, symbol, interval);
  if (!staged) return { rows: 0, report: null };
  const report = staged.pages > 0 ? store.writeCandles(symbol, interval, uniqueByStart(staged.candles), source, staged.windows) : null;
  removeStaging(path);
  return { rows: staged.candles.length, report };
}

export async function downloadHistory(store: FileHistoryStore, source: HistorySource, req: DownloadRequest, o: DownloadOptions = {}): Promise<DownloadSummary> {
  const { symbol, interval } = req;
  const step = intervalMs(interval);
  if (!(req.to > req.from)) throw invalid(`--to must be after --from`);
  return store.withLockAsync(symbol, async () => {
    const recovered = foldStaging(store, symbol, interval, source.name);
    const now = await source.now();
    // Closed candles only: the last one wanted opens before `to` and has closed by now.
    const first = Math.ceil(req.from / step) * step;
    const last = Math.min(Math.ceil(req.to / step) * step - step, Math.floor(now / step) * step - step);
    const entry = store.manifest(symbol)?.candles[interval];
    const have: Range[] = [...(entry?.fetched ?? []).map(([a, b]) => [a, b] as Range), ...(entry ? [[entry.from, entry.to] as Range] : [])];
    const missing = subtractRanges(first, last, have, step);
    const count = (r: Range) => Math.round((r[1] - r[0]) / step) + 1;
    const total = missing.reduce((s, r) => s + count(r), 0);
    const wanted = last >= first ? count([first, last]) : 0;

    let pages = 0;
    let fetched = 0;
    let dropped = 0;
    let done = 0;
    const path = join(store.symbolDir(symbol), stagingFileName(interval));
    const staging = new StagingWriter(path);
    try {
      for (const [lo, hi] of missing) {
        for (let cursor = lo; cursor <= hi; ) {
          const end = Math.min(cursor + (PAGE - 1) * step, hi);
          const page = await source.candles(symbol, interval, cursor, end, PAGE);
          const rows = new CandleColumnsBuilder();
          for (const c of page) {
            if (c.start < cursor || c.start > end || c.start % step !== 0) continue;
            if (![c.open, c.high, c.low, c.close, c.volume, c.turnover].every(Number.isFinite)) {
              dropped++;
              continue;
            }
            rows.pushCandle(c);
          }
          const clean = uniqueByStart(rows.build(symbol, interval));
          staging.append([cursor, end], clean);
          pages++;
          fetched += clean.length;
          done += count([cursor, end]);
          o.onProgress?.({ page: pages, done, total, upTo: end });
          cursor = end + step;
        }
      }
    } finally {
      staging.close();
    }
    if (dropped > 0) o.onWarning?.(`${dropped} candle(s) from ${source.name} had a non-finite value and were not stored`);
    const folded = foldStaging(store, symbol, interval, source.name);

    const funding = await downloadFunding(store, source, symbol, req.from, Math.min(req.to - 1, now));
    await saveInstrument(store, source, symbol, o);
    return {
      symbol,
      interval,
      source: source.name,
      recovered: recovered.rows,
      pages,
      fetched,
      alreadyStored: wanted - total,
      dropped,
      candles: folded.report ?? recovered.report ?? currentReport(store, symbol, interval),
      funding,
      instrument: store.loadInstrument(symbol) !== null,
    };
  });
}

function currentReport(store: FileHistoryStore, symbol: string, interval: Interval): HistoryWriteReport | null {
  const e = store.manifest(symbol)?.candles[interval];
  return e ? { added: 0, changed: 0, unchanged: 0, rows: e.rows, from: e.from, to: e.to, gaps: e.gaps } : null;
}

/** Funding settlements in [from, to]: pages backwards with endTime (Bybit rejects startTime alone). */
async function downloadFunding(store: FileHistoryStore, source: HistorySource, symbol: string, from: number, to: number): Promise<HistoryWriteReport | null> {
  const have = store.manifest(symbol)?.funding?.fetched ?? [];
  const missing = subtractRanges(from, to, have, 1);
  const times: number[] = [];
  const rates: number[] = [];
  for (const [lo, hi] of missing) {
    for (let endTime = hi; endTime >= lo; ) {
      const page = await source.funding(symbol, endTime, FUNDING_PAGE);
      if (page.length === 0) break;
      for (const r of page) {
        if (r.time >= lo && r.time <= hi && Number.isFinite(r.rate)) {
          times.push(r.time);
          rates.push(r.rate);
        }
      }
      const oldest = page[0]!.time;
      if (page.length < FUNDING_PAGE || oldest >= endTime) break;
      endTime = oldest - 1;
    }
  }
  if (missing.length === 0) return null;
  const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const uniq = order.filter((i, k) => k === 0 || times[i] !== times[order[k - 1]!]);
  return store.writeFunding(symbol, { symbol, length: uniq.length, time: Float64Array.from(uniq, (i) => times[i]!), rate: Float64Array.from(uniq, (i) => rates[i]!) }, source.name, missing);
}

async function saveInstrument(store: FileHistoryStore, source: HistorySource, symbol: string, o: DownloadOptions): Promise<void> {
  try {
    store.writeInstrument(symbol, await source.instrument(symbol), source.name);
  } catch (error) {
    o.onWarning?.(`instrument filters of ${symbol} not saved: ${error instanceof Error ? error.message : String(error)}`);
  }
}
