import type { AppConfig } from '../../config/schema.ts';
import type { FundingSchedule } from '../core/fills/funding.ts';
import type { Instrument } from '../domain/types.ts';
import type { CandleColumns } from '../history/types.ts';

/**
 * What both backtest engines run on: the configuration (its presets already fitted to the
 * data: see prepareRun.ts), the candles of every symbol, and the run's bounds. The candles
 * include the warm-up history before `from`.
 */
export interface SymbolData {
  readonly symbol: string;
  readonly instrument: Instrument;
  /** One series per interval, rows strictly increasing in start time. */
  readonly series: readonly CandleColumns[];
  readonly funding: FundingSchedule;
}

export interface BacktestInput {
  readonly config: AppConfig;
  readonly data: ReadonlyMap<string, SymbolData>;
  /** First decision time (UTC ms): candles closing before it are warm-up only. */
  readonly from: number;
  /** End of the run: candles that close by then are used. */
  readonly to: number;
  readonly market: 'history' | 'synthetic';
  readonly seed: number | null;
}

/** The account check of a backtest runs on this grid: equity only moves at bar boundaries. */
export function checkPeriodMs(input: Pick<BacktestInput, 'data'>): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let minutes = 0;
  for (const d of input.data.values()) for (const s of d.series) minutes = gcd(minutes, Number(s.interval));
  return Math.max(1, minutes) * 60_000;
}

/** Optional hooks of a run (the CLI's progress bar). */
export interface RunHooks {
  /** Called now and then with the simulated time reached (from <= time <= to). */
  readonly onProgress?: (time: number) => void;
}
