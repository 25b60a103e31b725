import type { AllocationMode } from '../core/portfolio/types.ts';
import { fmt, textTable } from '../research/textTable.ts';
import { presetContributions } from './contributions.ts';
import type { BacktestResults, BacktestRun } from './types.ts';

/**
 * `npm run backtest -- ... --allocation equal,riskParity,performance`: the same data run once
 * per allocation mode, side by side in one table (portfolio figures, rebalances, the last
 * weights), then each preset's contribution to return and risk per mode.
 */
export interface AllocationRun {
  readonly mode: AllocationMode;
  readonly run: BacktestRun;
  readonly results: BacktestResults;
}

export function formatAllocationRuns(runs: readonly AllocationRun[]): string {
  const pct = (v: number | null | undefined): string => fmt(v, 2);
  const lastWeights = (r: AllocationRun): string => {
    const w = r.run.allocation?.rebalances.at(-1)?.weights;
    return w ? Object.entries(w).map(([p, v]) => `${p} ${(v * 100).toFixed(0)}%`).join(' ') : 'whole equity';
  };
  const symbolWeights = (r: AllocationRun): string => {
    const sleeves = r.run.allocation?.rebalances.at(-1)?.sleeves;
    if (!sleeves) return '-';
    const by = new Map<string, number>();
    for (const [key, v] of Object.entries(sleeves)) by.set(key.split(':')[0]!, (by.get(key.split(':')[0]!) ?? 0) + v);
    return [...by].map(([sym, v]) => `${sym.replace(/USDT$/, '')} ${(v * 100).toFixed(0)}%`).join(' ');
  };
  const table = textTable<AllocationRun>(
    [
      { title: 'mode', align: 'left', cell: (r) => r.mode },
      { title: 'trades', cell: (r) => String(r.results.portfolio.trades) },
      { title: 'net PnL', cell: (r) => fmt(r.results.portfolio.netPnl) },
      { title: 'return %', cell: (r) => pct(r.results.portfolio.returnPct) },
      { title: 'Sharpe', cell: (r) => fmt(r.results.portfolio.sharpe) },
      { title: 'Sortino', cell: (r) => fmt(r.results.portfolio.sortino) },
      { title: 'max DD %', cell: (r) => pct(r.results.portfolio.maxDrawdownPct) },
      { title: 'PF', cell: (r) => fmt(r.results.portfolio.profitFactor) },
      { title: 'exposure %', cell: (r) => pct(r.results.portfolio.exposurePct) },
      { title: 'rebalances', cell: (r) => String(r.run.allocation?.rebalances.length ?? 0) },
      { title: 'last preset weights', align: 'left', cell: lastWeights },
      { title: 'by symbol', align: 'left', cell: symbolWeights },
    ],
    runs,
  );
  const rows = runs.flatMap((r) => presetContributions(r.run.trades, r.run.presets.map((p) => p.id), r.run.startEquity, r.run.from, r.run.to).map((c) => ({ mode: r.mode, ...c })));
  const contributions = textTable<(typeof rows)[number]>(
    [
      { title: 'mode', align: 'left', cell: (r) => r.mode },
      { title: 'preset', align: 'left', cell: (r) => r.presetId },
      { title: 'trades', cell: (r) => String(r.trades) },
      { title: 'net PnL', cell: (r) => fmt(r.netPnl) },
      { title: 'return %', cell: (r) => pct(r.returnPct) },
      { title: 'risk share %', cell: (r) => pct(r.riskSharePct) },
    ],
    rows,
  );
  return `${table.join('\n')}\n\ncontribution per preset (return: net PnL / starting equity; risk: share of the variance of the daily realised PnL)\n${contributions.join('\n')}\n`;
}
