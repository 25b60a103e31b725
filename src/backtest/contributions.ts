import { DAY_MS, utcDayStart } from '../core/data/utcTime.ts';
import type { BacktestTrade } from './types.ts';

/**
 * Each preset's contribution to a run's return and risk, from its closed trades: its net
 * PnL as a share of the starting equity, and its share of the variance of the run's daily
 * realised PnL (Euler allocation: cov(preset's daily PnL, total daily PnL) / var(total);
 * the shares sum to 100 % when there is variance at all).
 */
export interface PresetContribution {
  readonly presetId: string;
  readonly trades: number;
  readonly netPnl: number;
  /** netPnl / startEquity x 100. */
  readonly returnPct: number;
  /** Share of the variance of the daily realised PnL, in % (null without variance). */
  readonly riskSharePct: number | null;
}

export function presetContributions(trades: readonly BacktestTrade[], presets: readonly string[], startEquity: number, from: number, to: number): PresetContribution[] {
  const days = Math.max(1, Math.ceil((to - utcDayStart(from)) / DAY_MS));
  const daily = new Map(presets.map((p) => [p, new Float64Array(days)]));
  const total = new Float64Array(days);
  for (const t of trades) {
    const d = Math.min(days - 1, Math.max(0, Math.floor((t.exitTime - utcDayStart(from)) / DAY_MS)));
    const row = daily.get(t.presetId);
    if (row) row[d]! += t.netPnl;
    total[d]! += t.netPnl;
  }
  const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
  const mt = mean(total);
  const variance = total.reduce((s, v) => s + (v - mt) ** 2, 0);
  return presets.map((presetId) => {
    const own = trades.filter((t) => t.presetId === presetId);
    const netPnl = own.reduce((s, t) => s + t.netPnl, 0);
    const row = daily.get(presetId)!;
    const mp = mean(row);
    const cov = row.reduce((s, v, i) => s + (v - mp) * (total[i]! - mt), 0);
    return {
      presetId,
      trades: own.length,
      netPnl: Number(netPnl.toFixed(8)),
      returnPct: startEquity > 0 ? (netPnl / startEquity) * 100 : 0,
      riskSharePct: variance > 0 ? (cov / variance) * 100 : null,
    };
  });
}
