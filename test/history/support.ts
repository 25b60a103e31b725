import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../src/core/rng.ts';
import type { Interval } from '../../src/domain/types.ts';
import { CandleColumnsBuilder } from '../../src/history/columns.ts';
import type { CandleColumns } from '../../src/history/types.ts';

/** Test data is synthetic: never real market files (their licence forbids copying them). */
export const T0 = Date.UTC(2024, 0, 1);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export function tempDir(prefix = 'bybot-history-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A seeded random walk on a 0.1 tick grid: n candles of `interval` from `from`. */
export function syntheticCandles(n: number, o: { from?: number; interval?: Interval; seed?: number; turnover?: boolean; symbol?: string } = {}): CandleColumns {
  const interval = o.interval ?? '60';
  const step = Number(interval) * MINUTE;
  const random = mulberry32(o.seed ?? 7);
  const b = new CandleColumnsBuilder();
  let price = 20_000;
  for (let i = 0; i < n; i++) {
    const open = price;
    const close = Math.round((open + (random() - 0.5) * 200) * 10) / 10;
    const high = Math.round((Math.max(open, close) + random() * 50) * 10) / 10;
    const low = Math.round((Math.min(open, close) - random() * 50) * 10) / 10;
    const volume = Math.round(random() * 100_000) / 1000;
    b.push((o.from ?? T0) + i * step, open, high, low, close, volume, o.turnover === false ? Number.NaN : Math.round(volume * close * 10_000) / 10_000);
    price = close;
  }
  return b.build(o.symbol ?? 'BTCUSDT', interval);
}

/** Writes a CSV file in `dir` and returns its path. */
export function writeCsv(dir: string, name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** CSV lines (header first) for candles, with a time formatter. */
export function csvLines(c: CandleColumns, header = 'timestamp,open,high,low,close,volume', time: (t: number) => string = (t) => String(t)): string[] {
  const withTurnover = header.toLowerCase().includes('turnover');
  const rows: string[] = [header];
  for (let i = 0; i < c.length; i++) {
    const cells = [time(c.start[i]!), c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]];
    if (withTurnover) cells.push(c.turnover[i]);
    rows.push(cells.join(','));
  }
  return rows;
}

export function columnsEqual(a: CandleColumns, b: CandleColumns): boolean {
  if (a.length !== b.length) return false;
  const same = (x: number, y: number) => x === y || (Number.isNaN(x) && Number.isNaN(y));
  for (const k of ['start', 'open', 'high', 'low', 'close', 'volume', 'turnover'] as const) {
    for (let i = 0; i < a.length; i++) if (!same(a[k][i]!, b[k][i]!)) return false;
  }
  return true;
}
