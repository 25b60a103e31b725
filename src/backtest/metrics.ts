import { presetContributions } from './contributions.ts';
import type { BacktestResults, BacktestRun, BacktestTrade, PauseRecord, PerformanceMetrics, PresetSymbolResult } from './types.ts';
import { dailyCloses, dayGrid, monthlyReturns, realisedDailyReturns, type DayGrid } from './metrics/daily.ts';
import { drawdownSeries, drawdownStats } from './metrics/drawdown.ts';
import { sampleEquityCurve } from './metrics/downsample.ts';
import { pathExposurePct, tradeExposurePct } from './metrics/exposure.ts';
import { equityPath, realisedPath, type EquityPath } from './metrics/path.ts';
import { sharpeRatio, sortinoRatio, tradeStats } from './metrics/ratios.ts';
import { regimeFigures } from './metrics/regimes.ts';
import { iso } from './metrics/time.ts';

/**
 * Turns an engine's BacktestRun into BacktestResults: every figure of the summary table,
 * per preset x symbol and for the portfolio, plus the curves the JSON and the report show.
 * Pure: the same run always gives the same results (wall time only enters through the
 * run's own `elapsedMs`). Definitions of every figure: PerformanceMetrics in ./types.ts.
 */
export function summarize(run: BacktestRun): BacktestResults {
  const grid = dayGrid(run.from, run.to);
  const path = equityPath(run);
  const drawdown = drawdownSeries(path.equity, path.length);
  const daily = dailyCloses(path, grid, run.startEquity);

  const resultTrades = run.trades.map((t) => (Number.isFinite(t.rMultiple) ? t : { ...t, rMultiple: null }));
  const portfolio = metricsOf(run.trades, run, grid, path, daily.returns, pathExposurePct(path, run.from, run.to), run.pauses);
  const byPresetSymbol = rows(run).map(({ presetId, strategyType, symbol }): PresetSymbolResult => {
    const trades = run.trades.filter((t) => t.presetId === presetId && t.symbol === symbol);
    const pauses = run.pauses.filter((p) => (p.symbol === undefined || p.symbol === symbol) && (p.presetId === undefined || p.presetId === presetId));
    const metrics = metricsOf(
      trades,
      run,
      grid,
      realisedPath(trades, run.from, run.startEquity),
      realisedDailyReturns(trades, grid, run.startEquity),
      tradeExposurePct(trades, run.from, run.to),
      pauses,
    );
    return { presetId, strategyType, symbol, metrics, regimes: regimeFigures(resultTrades.filter((t) => t.presetId === presetId && t.symbol === symbol)) };
  });

  return {
    schema: 'bybot.backtest.v1',
    engine: run.engine,
    market: run.market,
    seed: run.seed,
    from: iso(run.from),
    to: iso(run.to),
    data: run.data,
    presets: run.presets,
    startEquity: run.startEquity,
    endEquity: run.endEquity,
    portfolio,
    regimes: regimeFigures(resultTrades),
    byPresetSymbol,
    trades: resultTrades,
    equityCurve: sampleEquityCurve(path, drawdown),
    dailyEquity: daily.days,
    monthlyReturns: monthlyReturns(daily.days, run.startEquity),
    pauses: run.pauses.map((p) => ({ ...p, from: iso(p.from), until: p.until === null ? null : iso(p.until) })),
    funding: run.funding,
    allocation: allocationResults(run),
    performance: {
      candles: run.candlesProcessed,
      elapsedMs: run.elapsedMs,
      candlesPerSecond: run.elapsedMs > 0 ? (run.candlesProcessed / run.elapsedMs) * 1000 : null,
    },
  };
}

/** The portfolio allocation of the run: its rebalances (weights over time) and each preset's contribution to return and risk. */
function allocationResults(run: BacktestRun): BacktestResults['allocation'] {
  const presets = run.presets.map((p) => p.id);
  const contributions = presetContributions(run.trades, presets, run.startEquity, run.from, run.to);
  if (!run.allocation) return { mode: 'none', rebalances: [], contributions };
  return { mode: run.allocation.mode, rebalances: run.allocation.rebalances.map((r) => ({ ...r, at: iso(r.at) })), contributions };
}

function metricsOf(
  trades: readonly BacktestTrade[],
  run: BacktestRun,
  grid: DayGrid,
  path: EquityPath,
  dailyReturns: Float64Array,
  exposurePct: number,
  pauses: readonly PauseRecord[],
): PerformanceMetrics {
  const stats = tradeStats(trades);
  const dd = drawdownStats(path.time, path.equity, path.length, run.to);
  return {
    ...stats,
    returnPct: run.startEquity > 0 ? (stats.netPnl / run.startEquity) * 100 : null,
    sharpe: sharpeRatio(dailyReturns),
    sortino: sortinoRatio(dailyReturns),
    days: grid.count,
    ...dd,
    exposurePct,
    pauses: pauses.filter((p) => p.kind === 'pause').length,
    halts: pauses.filter((p) => p.kind === 'halt').length,
  };
}

/** Every preset x symbol that ran, in config order, plus any pair that only the trades name. */
function rows(run: BacktestRun): { presetId: string; strategyType: string; symbol: string }[] {
  const out: { presetId: string; strategyType: string; symbol: string }[] = [];
  const seen = new Set<string>();
  const add = (presetId: string, strategyType: string, symbol: string) => {
    const key = `${presetId}\u0000${symbol}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ presetId, strategyType, symbol });
  };
  for (const p of run.presets) for (const s of p.symbols) add(p.id, p.type, s);
  for (const t of run.trades) add(t.presetId, t.strategyType, t.symbol);
  return out;
}
