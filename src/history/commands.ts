import { basename } from 'node:path';
import type { AppConfig } from '../../config/schema.ts';
import { createLogger } from '../observability/logger.ts';
import { checkStore, type SeriesCheck } from './check.ts';
import type { SCHEMAS } from './cliArgs.ts';
import { readCandleCsv } from './csv/readCandleCsv.ts';
import { downloadHistory, type DownloadProgress } from './download/download.ts';
import { createBybitHistorySource } from './download/source.ts';
import type { FileHistoryStore } from './store.ts';
import type { z } from 'zod';

/**
 * The data CLI's commands. Results go to stdout, problems and progress to stderr; each
 * returns its exit code (0 done or clean, 1 data problems).
 */
export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** stderr is a terminal: progress is redrawn in place instead of printed as lines. */
  readonly tty: boolean;
  /** Wall clock for progress rates. */
  readonly now: () => number;
  readonly writeErr: (text: string) => void;
}

const MAX_PRINTED_BAD_ROWS = 50;
const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString().replace('.000Z', 'Z') : '-');

export async function importCommand(store: FileHistoryStore, a: z.infer<(typeof SCHEMAS)['import']>, io: Io): Promise<number> {
  const read = await readCandleCsv(a.file, a.symbol, a.interval);
  const name = basename(a.file);
  io.err(`${name}: ${read.rows} data row(s); open time from column "${read.columns.time}" (${read.columns.format ?? 'no valid row'}), turnover ${read.columns.turnover ? 'present' : 'absent (stored as NaN)'}`);
  for (const b of read.bad.slice(0, MAX_PRINTED_BAD_ROWS)) io.err(`${name} line ${b.line}: ${b.field}: ${JSON.stringify(b.value)} ${b.reason}`);
  if (read.badRows > MAX_PRINTED_BAD_ROWS) io.err(`... and ${read.badRows - MAX_PRINTED_BAD_ROWS} more bad row(s)`);
  if (read.badRows > 0 && !a['skip-bad-rows']) {
    io.err(`nothing imported: ${read.badRows} bad row(s) in ${name}; fix them, or import the good rows with --skip-bad-rows`);
    return 1;
  }
  if (read.candles.length === 0) {
    io.err(`nothing imported: ${name} has no valid row`);
    return 1;
  }
  const r = store.writeCandles(a.symbol, a.interval, read.candles, `csv:${name}`);
  const skipped = read.badRows > 0 ? `, ${read.badRows} bad row(s) skipped` : '';
  io.out(
    `imported ${a.symbol} ${a.interval} from ${name}: ${r.added} new, ${r.changed} changed, ${r.unchanged} unchanged${skipped}; ` +
      `stored ${r.rows} rows ${iso(r.from)} .. ${iso(r.to)}, ${r.gaps} missing candle(s)`,
  );
  return 0;
}

/** One progress line: redrawn on a terminal, otherwise printed at most once a second. */
function progressPrinter(label: string, io: Io): { update: (p: DownloadProgress) => void; end: () => void } {
  const started = io.now();
  let lastPrint = Number.NEGATIVE_INFINITY;
  let pending: string | null = null;
  const text = (p: DownloadProgress) => {
    const pct = p.total > 0 ? ((100 * p.done) / p.total).toFixed(1) : '100.0';
    const rate = Math.round(p.done / Math.max(0.001, (io.now() - started) / 1000));
    return `${label}: page ${p.page}, ${p.done}/${p.total} candles (${pct}%), up to ${iso(p.upTo)}, ${rate} candles/s`;
  };
  return {
    update: (p) => {
      const line = text(p);
      if (io.tty) {
        io.writeErr(`\r${line}\u001b[K`);
        pending = null;
        return;
      }
      if (p.page === 1 || io.now() - lastPrint >= 1000) {
        io.err(line);
        lastPrint = io.now();
        pending = null;
      } else {
        pending = line;
      }
    },
    end: () => {
      if (io.tty) io.writeErr('\n');
      else if (pending) io.err(pending);
    },
  };
}

export async function downloadCommand(store: FileHistoryStore, a: z.infer<(typeof SCHEMAS)['download']>, config: AppConfig, io: Io): Promise<number> {
  const logger = createLogger({ level: 'warn', pretty: 'never', destination: { write: (line: string) => io.writeErr(line) } });
  const source = await createBybitHistorySource({ venue: a.venue, restUrls: a['rest-url'] ? [a['rest-url']] : [], exchange: config.exchange, logger });
  const progress = progressPrinter(`download ${a.symbol} ${a.interval} from ${source.name}`, io);
  try {
    const s = await downloadHistory(store, source, { symbol: a.symbol, interval: a.interval, from: a.from, to: a.to }, { onProgress: progress.update, onWarning: (m) => io.err(`warning: ${m}`) });
    progress.end();
    const c = s.candles;
    io.err(
      `${a.symbol} ${a.interval}: ${s.pages} page(s), ${s.fetched} candle(s) fetched, ${s.alreadyStored} already stored` +
        (s.recovered > 0 ? `, ${s.recovered} recovered from an interrupted download` : '') +
        (c ? `; stored ${c.rows} rows ${iso(c.from)} .. ${iso(c.to)}, ${c.gaps} missing candle(s)` : '; nothing stored') +
        (s.funding ? `; funding ${s.funding.rows} settlement(s)` : '') +
        (s.instrument ? '; instrument filters saved' : ''),
    );
    io.out(JSON.stringify({ download: s }));
    return 0;
  } catch (error) {
    progress.end();
    io.err(`download stopped: the pages fetched so far are kept; run the same command again to continue`);
    throw error;
  } finally {
    await source.close();
  }
}

export function listCommand(store: FileHistoryStore, a: z.infer<(typeof SCHEMAS)['list']>, io: Io): number {
  const series = store.list();
  const funding = store.listFunding();
  if (a.json) {
    const when = (t: number) => new Date(t).toISOString();
    io.out(JSON.stringify({ dir: store.dir, series: series.map((s) => ({ ...s, from: when(s.from), to: when(s.to) })), funding: funding.map((f) => ({ ...f, from: when(f.from), to: when(f.to) })) }, null, 2));
    return 0;
  }
  if (series.length === 0 && funding.length === 0) {
    io.out(`no history stored in ${store.dir}`);
    return 0;
  }
  const rows = [['SYMBOL', 'INTERVAL', 'FROM', 'TO', 'ROWS', 'GAPS', 'SOURCES'], ...series.map((s) => [s.symbol, s.interval, iso(s.from), iso(s.to), String(s.rows), String(s.gaps), s.sources.join(' ')])];
  io.out(`history in ${store.dir}`);
  for (const line of table(rows)) io.out(line);
  if (funding.length > 0) {
    io.out('');
    for (const line of table([['FUNDING', 'FROM', 'TO', 'SETTLEMENTS', 'SOURCES'], ...funding.map((f) => [f.symbol, iso(f.from), iso(f.to), String(f.rows), f.sources.join(' ')])])) io.out(line);
  }
  return 0;
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '));
}

export function checkCommand(store: FileHistoryStore, a: z.infer<(typeof SCHEMAS)['check']>, io: Io): number {
  const results = checkStore(store, { ...(a.symbol ? { symbol: a.symbol } : {}), ...(a.interval ? { interval: a.interval } : {}), minZeroRun: a['min-zero-run'], maxListed: 20 });
  const issues = results.reduce((s, r) => s + r.issueCount, 0);
  if (a.json) {
    io.out(JSON.stringify({ dir: store.dir, issues, results: results.map(jsonResult) }, null, 2));
  } else {
    if (results.length === 0) io.out(a.symbol ? `nothing stored for ${a.symbol}${a.interval ? ` ${a.interval}` : ''} in ${store.dir}` : `no history stored in ${store.dir}`);
    for (const r of results) {
      const range = r.from !== undefined && r.to !== undefined ? ` ${iso(r.from)} .. ${iso(r.to)}` : '';
      io.out(`${r.symbol} ${r.what}${r.interval ? ` ${r.interval}` : ''}${range}, ${r.rows} row(s): ${r.issueCount === 0 ? 'ok' : `${r.issueCount} issue(s)`}`);
      for (const i of r.issues) io.out(`  ${i.kind}: ${i.detail}`);
    }
    io.out(`${results.length} file(s) checked in ${store.dir}: ${issues === 0 ? 'clean' : `${issues} issue(s)`}`);
  }
  return issues === 0 ? 0 : 1;
}

function jsonResult(r: SeriesCheck) {
  const when = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
  return { ...r, from: when(r.from), to: when(r.to), issues: r.issues.map((i) => ({ ...i, from: when(i.from), to: when(i.to) })) };
}
