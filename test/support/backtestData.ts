import { loadConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { historySchedule } from '../../src/core/fills/funding.ts';
import { prepareConfig, type DataSeriesSpec } from '../../src/backtest/prepareRun.ts';
import { syntheticData } from '../../src/backtest/syntheticData.ts';
import type { BacktestInput, SymbolData } from '../../src/backtest/input.ts';
import type { CandleColumns } from '../../src/history/types.ts';

/** Backtest inputs for tests: the simulator's generated candles (never real market data), optionally damaged. */

export const RUN_START = Date.UTC(2026, 0, 5);
const HOUR = 3_600_000;

export function testConfig(overrides: Record<string, unknown> = {}): AppConfig {
  const loaded = loadConfig({ env: {}, overrides: { log: { level: 'silent' }, ...overrides } });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.config;
}

/** Generated candles for `series` over `hours` from RUN_START, with three days of history before it. */
export function syntheticInput(config: AppConfig, series: readonly DataSeriesSpec[], hours: number, seed = 42): BacktestInput {
  const prepared = prepareConfig(config, series);
  const to = RUN_START + hours * HOUR;
  const data = syntheticData(prepared.config, series, RUN_START - 3 * 24 * HOUR, to, seed);
  return { config: prepared.config, data, from: RUN_START, to, market: 'synthetic', seed };
}

type Row = { start: number; open: number; high: number; low: number; close: number; volume: number; turnover: number };

function rowsOf(c: CandleColumns): Row[] {
  return Array.from({ length: c.length }, (_, i) => ({ start: c.start[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]!, turnover: c.turnover[i]! }));
}

function columnsOf(like: CandleColumns, rows: readonly Row[]): CandleColumns {
  const col = (pick: (r: Row) => number) => Float64Array.from(rows, pick);
  return { symbol: like.symbol, interval: like.interval, length: rows.length, start: col((r) => r.start), open: col((r) => r.open), high: col((r) => r.high), low: col((r) => r.low), close: col((r) => r.close), volume: col((r) => r.volume), turnover: col((r) => r.turnover) };
}

/**
 * The same data with the defects live feeds have, in the first 200 candles of the run (so
 * the windows are degraded for a while, then clean again): gaps (missing rows, one of them
 * hours long), a flat stretch without volume (a trading halt), bad rows (NaN close, high
 * below low, negative volume, a missing turnover); plus a stored funding history with
 * varying rates. After them, every 23rd bar is a wide one that reaches both the stop and the
 * target of an open position.
 */
export function damaged(input: BacktestInput): BacktestInput {
  const data = new Map<string, SymbolData>();
  let k = 0;
  for (const [symbol, d] of input.data) {
    const series = d.series.map((c) => {
      const rows = rowsOf(c);
      const first = rows.findIndex((r) => r.start >= input.from);
      const out: Row[] = [];
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        const j = i - first - 7 * k;
        if (j < 0) {
          out.push(r);
          continue;
        }
        if (j === 11 || j === 64 || (j >= 90 && j < 94 + k)) continue; // gaps, one of several hours
        if (j >= 120 && j < 152) {
          const p = out[out.length - 1]?.close ?? r.open;
          out.push({ ...r, open: p, high: p, low: p, close: p, volume: 0, turnover: 0 }); // halt: flat, no volume
          continue;
        }
        if (j === 30 || j === 170) out.push({ ...r, close: Number.NaN });
        else if (j === 45 || j === 180) out.push({ ...r, high: r.low - 1 });
        else if (j === 70) out.push({ ...r, volume: -1 });
        else if (j === 25 || j === 200) out.push({ ...r, turnover: Number.NaN });
        // Wide bars (valid rows) reach both the stop and the target of an open position: the stop-first rule decides.
        else if (j > 200 && j % 23 === 5) out.push({ ...r, high: Math.max(r.open, r.close) * 1.025, low: Math.min(r.open, r.close) * 0.975 });
        else out.push(r);
      }
      return columnsOf(c, out);
    });
    const times = Float64Array.from({ length: 40 }, (_, i) => input.from - 2 * 8 * HOUR + i * 8 * HOUR);
    const rates = Float64Array.from(times, (_, i) => ((i % 5) - 1.5) * 0.0001);
    data.set(symbol, { ...d, series, funding: historySchedule(times, rates) });
    k++;
  }
  return { ...input, data };
}
