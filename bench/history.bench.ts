/**
 * The history store on five years of 1-minute candles (2,628,000 rows, 7 columns): file
 * size, write time, and load time + memory of `loadCandles`, each load in a fresh process
 * (what a backtest pays when it starts), plus a one-year range out of the five years and a
 * warm reload. Also the CSV import rate. Wall times suffer on a shared machine; the CPU
 * time of the load (cpuMs) shows its own cost. Prints one JSON object (min and median of runs).
 *
 *   npx tsx bench/history.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../src/core/rng.ts';
import { CandleColumnsBuilder } from '../src/history/columns.ts';
import { readCandleCsv } from '../src/history/csv/readCandleCsv.ts';
import { openHistoryStore } from '../src/history/store.ts';

const ROWS = 5 * 525_600 + 1_440; // five years of 1m candles, 2020-01-01 .. 2024-12-30
const FROM = Date.UTC(2020, 0, 1);
const LOADS = 5;
const MB = 1024 * 1024;

/** BTC-like 1m candles: prices on the 0.1 tick grid, volume on 0.001, turnover with 4 decimals (as Bybit sends). */
function generate(n: number) {
  const random = mulberry32(20261130);
  const b = new CandleColumnsBuilder();
  let price = 30_000;
  for (let i = 0; i < n; i++) {
    const open = price;
    const close = Math.max(100, Math.round((open * (1 + (random() - 0.5) * 0.002)) * 10) / 10);
    const high = Math.round((Math.max(open, close) * (1 + random() * 0.0008)) * 10) / 10;
    const low = Math.round((Math.min(open, close) * (1 - random() * 0.0008)) * 10) / 10;
    const volume = Math.round(random() * random() * 80_000) / 1000;
    const turnover = Math.round(volume * ((open + high + low + close) / 4) * 10_000) / 10_000;
    b.push(FROM + i * 60_000, open, high, low, close, volume, turnover);
    price = close;
  }
  return b.build('BTCUSDT', '1');
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: Number(s[0]!.toFixed(1)), median: Number(s[Math.floor(s.length / 2)]!.toFixed(1)) };
};

/** One load in this (fresh) process: wall ms and memory growth. */
function child(dir: string, range: string): void {
  const store = openHistoryStore(dir);
  const before = process.memoryUsage();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const c = store.loadCandles('BTCUSDT', '1', range === 'year' ? { from: Date.UTC(2023, 0, 1), to: Date.UTC(2024, 0, 1) - 1 } : undefined);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const after = process.memoryUsage();
  const t1 = performance.now();
  store.loadCandles('BTCUSDT', '1');
  const warmMs = performance.now() - t1;
  process.stdout.write(
    JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, warmMs, rows: c.length, rssMB: (after.rss - before.rss) / MB, heapMB: (after.heapUsed - before.heapUsed) / MB, arrayBuffersMB: (after.arrayBuffers - before.arrayBuffers) / MB }),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bybot-history-bench-'));
  try {
    const c = generate(ROWS);
    const store = openHistoryStore(dir);
    const w0 = performance.now();
    store.writeCandles('BTCUSDT', '1', c, 'bench:synthetic');
    const writeMs = performance.now() - w0;
    const fileBytes = statSync(join(dir, 'BTCUSDT', 'candles-1.arrow')).size;

    const runs = (range: string) =>
      Array.from({ length: LOADS }, () => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', dir, range], { encoding: 'utf8' })) as { ms: number; cpuMs: number; warmMs: number; rows: number; rssMB: number; heapMB: number; arrayBuffersMB: number });
    const full = runs('all');
    const year = runs('year');

    // CSV import rate on 200k rows (YYYY-MM-DD HH:MM:SS times, as the real Bybit exports).
    const csvRows = 200_000;
    const lines = ['timestamp,Open,High,Low,Close,Volume'];
    for (let i = 0; i < csvRows; i++) lines.push(`${new Date(c.start[i]!).toISOString().replace('T', ' ').slice(0, 19)},${c.open[i]},${c.high[i]},${c.low[i]},${c.close[i]},${c.volume[i]}`);
    const csv = join(dir, 'bench.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const csvMs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      await readCandleCsv(csv, 'BTCUSDT', '1');
      csvMs.push(performance.now() - t);
    }
    {
      process.stdout.write(
        `${JSON.stringify({
          history: {
            rows: ROWS,
            columns: 7,
            uncompressedMB: Number(((ROWS * 7 * 8) / MB).toFixed(1)),
            fileMB: Number((fileBytes / MB).toFixed(1)),
            writeMs: Math.round(writeMs),
            loadAllColdMs: stats(full.map((r) => r.ms)),
            loadAllCpuMs: stats(full.map((r) => r.cpuMs)),
            loadAllWarmMs: stats(full.map((r) => r.warmMs)),
            loadAllRssMB: stats(full.map((r) => r.rssMB)),
            loadAllHeapMB: stats(full.map((r) => r.heapMB)),
            loadAllArrayBuffersMB: stats(full.map((r) => r.arrayBuffersMB)),
            loadOneYearColdMs: stats(year.map((r) => r.ms)),
            loadOneYearCpuMs: stats(year.map((r) => r.cpuMs)),
            loadOneYearRows: year[0]!.rows,
            csvImportRowsPerSecond: Math.round(csvRows / (Math.min(...csvMs) / 1000)),
            loadsPerFigure: LOADS,
            node: process.version,
          },
        })}\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--child');
if (at >= 0) child(process.argv[at + 1]!, process.argv[at + 2]!);
else await main();
