import { rowProblemOf } from '../core/data/validate.ts';
import { storedTurnover } from '../core/fills/priceBars.ts';
import { intervalMs } from '../domain/types.ts';
import type { CandleColumns } from '../history/types.ts';
import type { BacktestInput } from './input.ts';
import type { RunAllocation } from './allocationSummary.ts';
import type { BacktestRun, BacktestTrade, DataSpan, EquitySeries, PauseRecord } from './types.ts';

/** The parts both engines assemble a BacktestRun from. */
export interface RunParts {
  readonly engine: 'fast' | 'actors';
  readonly input: BacktestInput;
  readonly startEquity: number;
  readonly endEquity: number;
  readonly trades: readonly BacktestTrade[];
  readonly equity: EquitySeries;
  readonly pauses: readonly PauseRecord[];
  readonly elapsedMs: number;
  /** Settlements charged and their sum (paid > 0) per symbol. */
  readonly funding: ReadonlyMap<string, { readonly settlements: number; readonly total: number }>;
  /** The portfolio book's mode and rebalances (null: allocation off). */
  readonly allocation?: RunAllocation | null;
}

/** One stored series within the run: its range, rows, and the rows the validator would flag, by reason. */
export function dataSpan(series: CandleColumns, from: number, to: number): DataSpan {
  const step = intervalMs(series.interval);
  const issues: Record<string, number> = {};
  let rows = 0;
  let first = Number.NaN;
  let last = Number.NaN;
  let prev = Number.NaN;
  for (let i = 0; i < series.length; i++) {
    const start = series.start[i]!;
    if (start + step < from || start + step > to) continue;
    rows++;
    if (Number.isNaN(first)) first = start;
    last = start;
    const problem = rowProblemOf(start, series.open[i]!, series.high[i]!, series.low[i]!, series.close[i]!, series.volume[i]!, storedTurnover(series.turnover[i]!));
    if (problem) issues[problem] = (issues[problem] ?? 0) + 1;
    if (!Number.isNaN(prev) && start - prev !== step) issues.GAP = (issues.GAP ?? 0) + 1;
    prev = start;
  }
  return { symbol: series.symbol, interval: series.interval, from: first, to: last, candles: rows, dataIssues: issues };
}

export function runSummary(p: RunParts): BacktestRun {
  const { input } = p;
  const presets = input.config.strategies
    .filter((s) => s.enabled)
    .map((s) => ({ id: s.id, type: s.type, symbols: s.symbols.filter((sym) => input.data.has(sym)) }))
    .filter((s) => s.symbols.length > 0);
  const funding: Record<string, { settlements: number; source: string; total: number }> = {};
  for (const d of input.data.values()) {
    const charged = p.funding.get(d.symbol);
    funding[d.symbol] = { settlements: charged?.settlements ?? 0, source: d.funding.source, total: charged?.total ?? 0 };
  }
  const data = [...input.data.values()].flatMap((d) => d.series.map((s) => dataSpan(s, input.from, input.to)));
  return {
    engine: p.engine,
    market: input.market,
    seed: input.seed,
    from: input.from,
    to: input.to,
    data,
    presets,
    startEquity: p.startEquity,
    endEquity: p.endEquity,
    trades: p.trades,
    equity: p.equity,
    pauses: p.pauses,
    // Candles of the run proper (closing in [from, to]) per stored series; warm-up rows not counted.
    candlesProcessed: data.reduce((sum, span) => sum + span.candles, 0),
    elapsedMs: p.elapsedMs,
    funding,
    allocation: p.allocation ?? null,
  };
}
