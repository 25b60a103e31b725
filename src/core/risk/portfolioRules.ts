import type { Position, Side } from '../../domain/types.ts';
import { crossAssetProblem } from '../portfolio/leader.ts';
import type { DeniedEntry, EntryRequest } from './types.ts';
import { num } from './format.ts';
import { deny, isOpenPosition, openExposure } from './rules.ts';

/**
 * The portfolio's rules of an entry (when the account snapshot carries the portfolio book's
 * view): the cross-asset filter, the preset's capital budget, and the exposure of the
 * same-direction positions in correlated symbols. A denial names the numbers (and the
 * correlated positions) behind it.
 */
export interface PortfolioTerms {
  /** Capital the preset sizes from (weight x equity); undefined: the whole equity. */
  readonly budget?: number;
  readonly weight?: number;
  /** Notional still allowed to the correlated group; undefined: no correlated position open. */
  readonly correlatedRoom?: number;
}

export function checkPortfolioRules(request: EntryRequest, side: Side): DeniedEntry | PortfolioTerms {
  const view = request.portfolio.allocation;
  if (!view) return {};
  const { signal, portfolio, limits } = request;
  const presetId = signal.strategyId;
  const leader = view.leader;
  if (leader && signal.symbol !== leader.symbol && (leader.presets.length === 0 || leader.presets.includes(presetId))) {
    const problem = crossAssetProblem(side, leader.regime, leader.rule);
    if (problem) return deny('CROSS_ASSET', `${presetId} ${side} ${signal.symbol}: ${problem} (${leader.symbol} ${leader.timeframeMinutes}m regime ${leader.regime}, rule ${leader.rule})`);
  }
  let terms: { budget?: number; weight?: number; correlatedRoom?: number } = {};
  if (view.weights) {
    const weight = view.weights[`${signal.symbol}:${presetId}`] ?? 0;
    if (!(weight > 0)) return deny('NO_BUDGET', `preset ${presetId} on ${signal.symbol} has no capital budget (weight ${num(weight)} in the portfolio allocation)`);
    terms = { budget: portfolio.equity * weight, weight };
  }
  const pct = limits.maxCorrelatedExposurePct;
  if (view.correlation && pct !== undefined) {
    const group = correlatedPositions(portfolio.positions, signal.symbol, side, view.correlation);
    if (group.length > 0) {
      const exposure = openExposure(group.map((g) => g.position));
      const limit = (portfolio.equity * pct) / 100;
      const names = group.map((g) => `${g.position.symbol} ${g.position.side} ${num(Math.abs(g.position.size))} (correlation ${num(g.correlation)})`).join(', ');
      if (!(exposure < limit)) {
        return deny(
          'CORRELATED_EXPOSURE',
          `${side} ${signal.symbol} would add to correlated same-direction positions ${names}: their exposure ${num(exposure)} already uses maxCorrelatedExposurePct ${num(pct)}% of equity (${num(limit)})`,
        );
      }
      terms = { ...terms, correlatedRoom: limit - exposure };
    }
  }
  return terms;
}

export interface CorrelatedPosition {
  readonly position: Position;
  readonly correlation: number;
}

/** Open positions on the same side in other symbols whose correlation with `symbol` is at or above the threshold. */
export function correlatedPositions(
  positions: readonly Position[],
  symbol: string,
  side: Side,
  correlation: { readonly threshold: number; readonly symbols: readonly string[]; readonly matrix: readonly (readonly number[])[] },
): CorrelatedPosition[] {
  const i = correlation.symbols.indexOf(symbol);
  if (i < 0) return [];
  const out: CorrelatedPosition[] = [];
  for (const p of positions) {
    if (!isOpenPosition(p) || p.symbol === symbol || p.side !== side) continue;
    const j = correlation.symbols.indexOf(p.symbol);
    const rho = j < 0 ? Number.NaN : correlation.matrix[i]![j]!;
    if (rho >= correlation.threshold) out.push({ position: p, correlation: rho });
  }
  return out;
}
