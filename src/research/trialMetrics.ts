import { dailyCloses, dayGrid } from '../backtest/metrics/daily.ts';
import { drawdownStats } from '../backtest/metrics/drawdown.ts';
import { equityPath } from '../backtest/metrics/path.ts';
import { sharpeRatio, sortinoRatio, tradeStats } from '../backtest/metrics/ratios.ts';
import type { BacktestRun } from '../backtest/types.ts';

/**
 * The figures a trial is ranked by: the portfolio's, computed exactly as `summarize` does
 * (same daily return series, same Sharpe/Sortino, same drawdown) but without building the
 * report's curves and tables, since an optimiser computes thousands.
 */
export interface TrialMetrics {
  readonly trades: number;
  readonly netPnl: number;
  readonly returnPct: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  /** Annualised return (compounded over the run's days / 365) over the max drawdown, both in %; null without a drawdown. */
  readonly calmar: number | null;
  readonly maxDrawdownPct: number;
  readonly expectancyR: number | null;
  readonly winRatePct: number | null;
  readonly profitFactor: number | null;
  readonly days: number;
}

export const OBJECTIVES = ['sharpe', 'sortino', 'calmar', 'net', 'expectancy'] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

export interface Objective {
  readonly name: ObjectiveName;
  /** Trials with fewer trades have no objective (ranked last): a Sharpe of three trades means nothing. */
  readonly minTrades: number;
}

/** The objective's value, or null when it is undefined or the trial traded too little. */
export function objectiveOf(m: TrialMetrics, o: Objective): number | null {
  if (m.trades < o.minTrades) return null;
  switch (o.name) {
    case 'sharpe':
      return m.sharpe;
    case 'sortino':
      return m.sortino;
    case 'calmar':
      return m.calmar;
    case 'net':
      return m.netPnl;
    case 'expectancy':
      return m.expectancyR;
  }
}

export function annualisedReturnPct(start: number, end: number, days: number): number | null {
  if (!(start > 0) || !(days > 0)) return null;
  if (!(end > 0)) return -100;
  return ((end / start) ** (365 / days) - 1) * 100;
}

export function trialMetrics(run: BacktestRun): { readonly metrics: TrialMetrics; readonly daily: Float64Array } {
  const grid = dayGrid(run.from, run.to);
  const path = equityPath(run);
  const { returns } = dailyCloses(path, grid, run.startEquity);
  const stats = tradeStats(run.trades);
  const dd = drawdownStats(path.time, path.equity, path.length, run.to);
  const annual = annualisedReturnPct(run.startEquity, run.endEquity, grid.count);
  return {
    metrics: {
      trades: stats.trades,
      netPnl: stats.netPnl,
      returnPct: run.startEquity > 0 ? (stats.netPnl / run.startEquity) * 100 : null,
      sharpe: sharpeRatio(returns),
      sortino: sortinoRatio(returns),
      calmar: annual !== null && dd.maxDrawdownPct > 0 ? annual / dd.maxDrawdownPct : null,
      maxDrawdownPct: dd.maxDrawdownPct,
      expectancyR: stats.expectancyR,
      winRatePct: stats.winRatePct,
      profitFactor: stats.profitFactor,
      days: grid.count,
    },
    daily: returns,
  };
}
