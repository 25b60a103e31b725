import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ERROR_CODES } from '../domain/errors.ts';
import { INTERVALS, intervalMs, type Instrument, type Interval } from '../domain/types.ts';
import { acquireWriterLock, type WriterLock } from '../journal/writerLock.ts';
import { decodeCandles, decodeFunding, encodeCandles, encodeFunding } from './arrowFile.ts';
import { sliceCandles, sliceFunding } from './columns.ts';
import { commit, hasPendingCommit, recoverCommit } from './commit.ts';
import { HistoryError, corrupt, invalid, notFound } from './errors.ts';
import { missingCandles } from './gaps.ts';
import { emptyManifest, manifestText, mergeRanges, readManifest, sha256, type Manifest } from './manifest.ts';
import { mergeCandles, mergeFunding } from './merge.ts';
import type {
  CandleColumns,
  FundingColumns,
  FundingSeriesInfo,
  HistorySeriesInfo,
  HistoryWriteReport,
  TimeRange,
  WritableHistoryStore,
} from './types.ts';

/**
 * The history store: a directory with one folder per symbol,
 *
 *   <dir>/<SYMBOL>/manifest.json        what is stored (ranges, rows, gaps, sources, SHA-256)
 *   <dir>/<SYMBOL>/candles-<I>.arrow    one Arrow IPC (Feather v2) file per interval
 *   <dir>/<SYMBOL>/funding.arrow        funding-rate history
 *   <dir>/<SYMBOL>/instrument.json      the instrument's filters (tickSize, qtyStep, ...)
 *
 * Reads need no lock (files are only ever replaced by atomic renames); writes take the
 * symbol's lock (`manifest.json.lock`, the journal's pid lock) so two data commands never
 * interleave, and every write is one atomic commit (src/history/commit.ts).
 */
export interface OpenHistoryStoreOptions {
  /** Wall clock for the manifest's `updatedAt`; Date.now by default (the file-system edge). */
  readonly now?: () => number;
}

const SYMBOL = /^[A-Z0-9]{1,32}$/;
const INSTRUMENT_FILE = 'instrument.json';
const FUNDING_FILE = 'funding.arrow';
export const candleFileName = (interval: Interval): string => `candles-${interval}.arrow`;

const InstrumentSchema = z.strictObject({
  symbol: z.string(),
  status: z.enum(['Trading', 'PreLaunch', 'Delivering', 'Closed']),
  baseCoin: z.string(),
  quoteCoin: z.string(),
  tickSize: z.number().positive(),
  minPrice: z.number().nonnegative(),
  maxPrice: z.number().nonnegative(),
  qtyStep: z.number().positive(),
  minOrderQty: z.number().nonnegative(),
  maxOrderQty: z.number().nonnegative(),
  maxMktOrderQty: z.number().nonnegative(),
  minNotional: z.number().nonnegative(),
  minLeverage: z.number().nonnegative(),
  maxLeverage: z.number().nonnegative(),
  leverageStep: z.number().nonnegative(),
});
const InstrumentFileSchema = z.strictObject({ symbol: z.string(), source: z.string(), savedAt: z.string(), instrument: InstrumentSchema });

export function checkSymbol(symbol: string): string {
  if (!SYMBOL.test(symbol)) throw invalid(`symbol ${JSON.stringify(symbol)} must be upper-case letters and digits, such as BTCUSDT`);
  return symbol;
}

export function checkInterval(interval: string): Interval {
  if (!(INTERVALS as readonly string[]).includes(interval)) throw invalid(`interval ${JSON.stringify(interval)} must be one of ${INTERVALS.join(', ')} (minutes)`);
  return interval as Interval;
}

const iso = (t: number) => new Date(t).toISOString();

export class FileHistoryStore implements WritableHistoryStore {
  readonly dir: string;
  private readonly now: () => number;
  private readonly locks = new Map<string, { lock: WriterLock; depth: number }>();

  constructor(dir: string, options: OpenHistoryStoreOptions = {}) {
    this.dir = resolve(dir);
    this.now = options.now ?? Date.now;
  }

  symbolDir(symbol: string): string {
    return join(this.dir, checkSymbol(symbol));
  }

  /** Symbols with a manifest, sorted. */
  symbols(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((name) => SYMBOL.test(name) && existsSync(join(this.dir, name, 'manifest.json')))
      .sort();
  }

  /** The symbol's manifest (finishing an interrupted write first when nobody else writes). */
  manifest(symbol: string): Manifest | null {
    const dir = this.symbolDir(symbol);
    if (hasPendingCommit(dir)) this.tryRecover(symbol);
    return readManifest(dir, symbol);
  }

  // ---- reads (HistoryStore) ---------------------------------------------------------------

  loadCandles(symbol: string, interval: Interval, range?: TimeRange): CandleColumns {
    const entry = this.manifest(symbol)?.candles[checkInterval(interval)];
    if (!entry) throw notFound(`no ${symbol} ${interval} candles stored in ${this.dir} (import or download them with npm run data)`, { symbol, interval, dir: this.dir });
    const path = join(this.symbolDir(symbol), entry.file);
    const all = decodeCandles(this.readData(path), path);
    if (all.symbol !== symbol || all.interval !== interval) throw corrupt(`${path}: holds ${all.symbol} ${all.interval}, the manifest says ${symbol} ${interval}`);
    const out = sliceCandles(all, range);
    if (out.length === 0) {
      const asked = `${range?.from === undefined ? '-' : iso(range.from)} .. ${range?.to === undefined ? '-' : iso(range.to)}`;
      throw notFound(`no ${symbol} ${interval} candles in ${asked}; stored: ${iso(entry.from)} .. ${iso(entry.to)}`, { symbol, interval, stored: [entry.from, entry.to] });
    }
    return out;
  }

  loadFunding(symbol: string, range?: TimeRange): FundingColumns | null {
    const entry = this.manifest(symbol)?.funding;
    if (!entry) return null;
    const path = join(this.symbolDir(symbol), entry.file);
    return sliceFunding(decodeFunding(this.readData(path), path), range);
  }

  loadInstrument(symbol: string): Instrument | null {
    const entry = this.manifest(symbol)?.instrument;
    if (!entry) return null;
    const path = join(this.symbolDir(symbol), entry.file);
    const parsed = InstrumentFileSchema.safeParse(JSON.parse(this.readData(path).toString('utf8')));
    if (!parsed.success) throw corrupt(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data.instrument;
  }

  list(): readonly HistorySeriesInfo[] {
    const out: HistorySeriesInfo[] = [];
    for (const symbol of this.symbols()) {
      const m = this.manifest(symbol);
      for (const interval of INTERVALS) {
        const e = m?.candles[interval];
        if (e) out.push({ symbol, interval, from: e.from, to: e.to, rows: e.rows, gaps: e.gaps, sources: e.sources, sha256: e.sha256 });
      }
    }
    return out;
  }

  listFunding(): readonly FundingSeriesInfo[] {
    return this.symbols().flatMap((symbol) => {
      const f = this.manifest(symbol)?.funding;
      return f ? [{ symbol, from: f.from, to: f.to, rows: f.rows, sources: f.sources, sha256: f.sha256 }] : [];
    });
  }

  // ---- writes -----------------------------------------------------------------------------

  writeCandles(symbol: string, interval: Interval, incoming: CandleColumns, source: string, fetched: ReadonlyArray<readonly [number, number]> = []): HistoryWriteReport {
    checkInterval(interval);
    const step = intervalMs(interval);
    for (let i = 0; i < incoming.length; i++) {
      if (incoming.start[i]! % step !== 0 || (i > 0 && !(incoming.start[i]! > incoming.start[i - 1]!))) {
        throw invalid(`candle ${i} (${iso(incoming.start[i]!)}) is off the ${interval}-minute grid or not after the previous one`);
      }
    }
    return this.withLock(symbol, () => {
      const dir = this.symbolDir(symbol);
      const manifest = readManifest(dir, symbol) ?? emptyManifest(symbol);
      const entry = manifest.candles[interval];
      const stored = entry ? decodeCandles(this.readData(join(dir, entry.file)), join(dir, entry.file)) : null;
      const { merged, report } = mergeCandles(stored, { ...incoming, symbol, interval });
      const covered = mergeRanges([...(entry?.fetched ?? []), ...fetched], step);
      const nothingNew = report.added + report.changed === 0 && JSON.stringify(covered) === JSON.stringify(entry?.fetched ?? []);
      if (entry && nothingNew) return { ...report, rows: entry.rows, from: entry.from, to: entry.to, gaps: entry.gaps };
      if (merged.length === 0) return { ...report, rows: 0, from: Number.NaN, to: Number.NaN, gaps: 0 };
      const file = candleFileName(interval);
      const bytes = encodeCandles(merged);
      const gaps = missingCandles(merged.start, step);
      const from = merged.start[0]!;
      const to = merged.start[merged.length - 1]!;
      const before = entry?.sources ?? [];
      const sources = report.added + report.changed > 0 && !before.includes(source) ? [...before, source] : before;
      const next: Manifest = {
        ...manifest,
        candles: { ...manifest.candles, [interval]: { file, from, to, rows: merged.length, gaps, sources, fetched: covered, sha256: sha256(bytes), bytes: bytes.length, updatedAt: iso(this.now()) } },
      };
      commit(dir, [{ name: file, bytes }], manifestText(next));
      return { ...report, rows: merged.length, from, to, gaps };
    });
  }

  writeFunding(symbol: string, incoming: FundingColumns, source: string, fetched: ReadonlyArray<readonly [number, number]> = []): HistoryWriteReport {
    return this.withLock(symbol, () => {
      const dir = this.symbolDir(symbol);
      const manifest = readManifest(dir, symbol) ?? emptyManifest(symbol);
      const entry = manifest.funding;
      const stored = entry ? decodeFunding(this.readData(join(dir, entry.file)), join(dir, entry.file)) : null;
      const { merged, report } = mergeFunding(stored, { ...incoming, symbol });
      const covered = mergeRanges([...(entry?.fetched ?? []), ...fetched], 1);
      const nothingNew = report.added + report.changed === 0 && JSON.stringify(covered) === JSON.stringify(entry?.fetched ?? []);
      if (entry && nothingNew) return { ...report, rows: entry.rows, from: entry.from, to: entry.to, gaps: 0 };
      if (merged.length === 0) return { ...report, rows: 0, from: Number.NaN, to: Number.NaN, gaps: 0 };
      const from = merged.time[0]!;
      const to = merged.time[merged.length - 1]!;
      const bytes = encodeFunding(merged);
      const before = entry?.sources ?? [];
      const sources = report.added + report.changed > 0 && !before.includes(source) ? [...before, source] : before;
      const next: Manifest = {
        ...manifest,
        funding: { file: FUNDING_FILE, from, to, rows: merged.length, sources, fetched: covered, sha256: sha256(bytes), bytes: bytes.length, updatedAt: iso(this.now()) },
      };
      commit(dir, [{ name: FUNDING_FILE, bytes }], manifestText(next));
      return { ...report, rows: merged.length, from, to, gaps: 0 };
    });
  }

  writeInstrument(symbol: string, instrument: Instrument, source: string): void {
    const checked = InstrumentSchema.parse(instrument);
    this.withLock(symbol, () => {
      const dir = this.symbolDir(symbol);
      const manifest = readManifest(dir, symbol) ?? emptyManifest(symbol);
      const savedAt = iso(this.now());
      const text = `${JSON.stringify({ symbol, source, savedAt, instrument: checked }, null, 2)}\n`;
      commit(dir, [{ name: INSTRUMENT_FILE, bytes: text }], manifestText({ ...manifest, instrument: { file: INSTRUMENT_FILE, source, sha256: sha256(text), savedAt } }));
    });
  }

  // ---- locking ----------------------------------------------------------------------------

  /** Runs `fn` holding the symbol's write lock (re-entrant in this process); finishes an interrupted write first. */
  withLock<T>(symbol: string, fn: () => T): T {
    const release = this.lock(symbol);
    try {
      return fn();
    } finally {
      release();
    }
  }

  async withLockAsync<T>(symbol: string, fn: () => Promise<T>): Promise<T> {
    const release = this.lock(symbol);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private lock(symbol: string): () => void {
    const held = this.locks.get(symbol);
    if (held) {
      held.depth++;
    } else {
      const dir = this.symbolDir(symbol);
      mkdirSync(dir, { recursive: true });
      let lock: WriterLock;
      try {
        lock = acquireWriterLock(join(dir, 'manifest.json'));
      } catch (error) {
        const pid = (error as { details?: { pid?: unknown } }).details?.pid;
        if (typeof pid !== 'number') throw new HistoryError(ERROR_CODES.HISTORY_INVALID, `cannot lock ${symbol} for writing: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        throw new HistoryError(ERROR_CODES.HISTORY_BUSY, `${symbol} is being written by another data command (pid ${pid}); try again when it has finished`, { cause: error, details: { symbol, pid } });
      }
      this.locks.set(symbol, { lock, depth: 1 });
      recoverCommit(dir);
    }
    return () => {
      const h = this.locks.get(symbol)!;
      if (--h.depth === 0) {
        this.locks.delete(symbol);
        h.lock.release();
      }
    };
  }

  /** Finishes an interrupted write unless another process holds the lock (then it is theirs to finish). */
  tryRecover(symbol: string): 'recovered' | 'busy' {
    try {
      return this.withLock(symbol, () => 'recovered' as const);
    } catch (error) {
      if (error instanceof HistoryError && error.code === ERROR_CODES.HISTORY_BUSY) return 'busy';
      throw error;
    }
  }

  private readData(path: string): Buffer {
    if (!existsSync(path)) throw corrupt(`${path} is listed in the manifest but missing`, { file: path });
    return readFileSync(path);
  }

  /** Size on disk of a stored file (for reports). */
  fileBytes(symbol: string, name: string): number {
    const path = join(this.symbolDir(symbol), name);
    return existsSync(path) ? statSync(path).size : 0;
  }
}

/** Opens (without creating) the history store in `dir`. */
export function openHistoryStore(dir: string, options?: OpenHistoryStoreOptions): FileHistoryStore {
  return new FileHistoryStore(dir, options);
}
