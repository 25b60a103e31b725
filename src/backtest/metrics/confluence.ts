import type { ResultTrade } from '../types.ts';

/**
 * Confluence analytics of a run's trades (the report's "Confluence analytics" and
 * "By market regime" sections). Per preset:
 * - the Pearson correlation matrix of its three factors at entry (two factors that move
 *   together count the same evidence twice);
 * - per factor, the trades cut into quintiles of that factor's value (equal counts, ties
 *   kept together in order of the value): mean R and win rate per quintile; a factor that
 *   predicts the outcome climbs from the first quintile to the last;
 * - the score-vs-outcome curve: the trades in up to 10 equal-count bins of the confluence
 *   score, mean score, mean R and win rate per bin, and the rank correlation of score and R.
 * Pure functions of the trades: the same trades give the same figures.
 */

export interface OutcomeBin {
  /** Range of the binned value (factor or score) in the bin. */
  readonly lo: number;
  readonly hi: number;
  readonly mean: number;
  readonly trades: number;
  /** Mean R over the bin's trades with a finite R; null when none. */
  readonly meanR: number | null;
  /** Trades with net PnL > 0, % of the bin; null for an empty bin. */
  readonly winRatePct: number | null;
}

export interface PresetConfluence {
  readonly presetId: string;
  readonly strategyType: string;
  readonly trades: number;
  readonly factors: readonly string[];
  /** factors x factors; null where a factor does not vary (or fewer than 3 trades). */
  readonly correlation: readonly (readonly (number | null)[])[];
  readonly quintiles: readonly { readonly factor: string; readonly bins: readonly OutcomeBin[] }[];
  readonly scoreCurve: readonly OutcomeBin[];
  /** Spearman rank correlation of score and R; null with fewer than 3 trades or no variation. */
  readonly scoreRankCorrelation: number | null;
}

export interface RegimeRow {
  /** A preset id, or null for all presets together. */
  readonly presetId: string | null;
  readonly regime: string;
  readonly trades: number;
  readonly winRatePct: number | null;
  readonly netPnl: number;
  readonly meanR: number | null;
  readonly profitFactor: number | null;
  /** This regime's share of the row group's trades, %. */
  readonly sharePct: number;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  if (n < 3 || y.length !== n) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx <= 1e-24 || syy <= 1e-24) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Average ranks (1-based), ties sharing their mean rank. */
function ranks(v: readonly number[]): number[] {
  const order = v.map((_, i) => i).sort((a, b) => v[a]! - v[b]!);
  const out = new Array<number>(v.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && v[order[j + 1]!] === v[order[i]!]) j++;
    for (let k = i; k <= j; k++) out[order[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

export const spearman = (x: readonly number[], y: readonly number[]): number | null => pearson(ranks(x), ranks(y));

const finiteR = (t: ResultTrade): number | null => (t.rMultiple !== null && Number.isFinite(t.rMultiple) ? t.rMultiple : null);

function outcome(values: readonly number[], trades: readonly ResultTrade[]): OutcomeBin {
  const rs = trades.map(finiteR).filter((r): r is number => r !== null);
  return {
    lo: Math.min(...values),
    hi: Math.max(...values),
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    trades: trades.length,
    meanR: rs.length > 0 ? rs.reduce((a, b) => a + b, 0) / rs.length : null,
    winRatePct: trades.length > 0 ? (trades.filter((t) => t.netPnl > 0).length / trades.length) * 100 : null,
  };
}

/** Up to `bins` equal-count bins of the trades ordered by `value` (ties by seq, so the cut is deterministic). */
export function binsBy(trades: readonly ResultTrade[], value: (t: ResultTrade) => number, bins: number): OutcomeBin[] {
  const sorted = trades.filter((t) => Number.isFinite(value(t))).sort((a, b) => value(a) - value(b) || a.seq - b.seq);
  const n = Math.min(bins, sorted.length);
  const out: OutcomeBin[] = [];
  for (let b = 0; b < n; b++) {
    const slice = sorted.slice(Math.floor((b * sorted.length) / n), Math.floor(((b + 1) * sorted.length) / n));
    out.push(outcome(slice.map(value), slice));
  }
  return out;
}

function byPreset(trades: readonly ResultTrade[], order: readonly string[]): Map<string, ResultTrade[]> {
  const map = new Map<string, ResultTrade[]>(order.map((id) => [id, []]));
  for (const t of trades) {
    const list = map.get(t.presetId) ?? [];
    list.push(t);
    map.set(t.presetId, list);
  }
  return map;
}

export function confluenceAnalytics(trades: readonly ResultTrade[], presetOrder: readonly string[] = []): PresetConfluence[] {
  const out: PresetConfluence[] = [];
  for (const [presetId, list] of byPreset(trades, presetOrder)) {
    if (list.length === 0) continue;
    const factors: string[] = [];
    for (const t of list) for (const k of Object.keys(t.factors)) if (!factors.includes(k)) factors.push(k);
    const complete = list.filter((t) => factors.every((f) => Number.isFinite(t.factors[f])));
    const correlation = factors.map((a) => factors.map((b) => pearson(complete.map((t) => t.factors[a]!), complete.map((t) => t.factors[b]!))));
    const quintiles = factors.map((f) => ({ factor: f, bins: binsBy(list, (t) => t.factors[f] ?? Number.NaN, 5) }));
    const scored = list.filter((t) => finiteR(t) !== null && Number.isFinite(t.score));
    out.push({
      presetId,
      strategyType: list[0]!.strategyType,
      trades: list.length,
      factors,
      correlation,
      quintiles,
      scoreCurve: binsBy(list, (t) => t.score, 10),
      scoreRankCorrelation: spearman(scored.map((t) => t.score), scored.map((t) => finiteR(t)!)),
    });
  }
  return out;
}

export function regimeRow(presetId: string | null, regime: string, trades: readonly ResultTrade[], groupSize: number): RegimeRow {
  const o = outcome([0], trades);
  let profit = 0;
  let loss = 0;
  for (const t of trades) if (t.netPnl > 0) profit += t.netPnl;
  else loss -= t.netPnl;
  return {
    presetId,
    regime,
    trades: trades.length,
    winRatePct: o.winRatePct,
    netPnl: trades.reduce((s, t) => s + t.netPnl, 0),
    meanR: o.meanR,
    profitFactor: loss > 0 ? profit / loss : null,
    sharePct: groupSize > 0 ? (trades.length / groupSize) * 100 : 0,
  };
}

const REGIME_ORDER = ['trendingUp', 'trendingDown', 'ranging', 'volatile', 'unknown'];
const regimeRank = (r: string) => (REGIME_ORDER.includes(r) ? REGIME_ORDER.indexOf(r) : REGIME_ORDER.length);

/** Performance per market regime at the signal: all presets together first, then each preset. */
export function regimeBreakdown(trades: readonly ResultTrade[], presetOrder: readonly string[] = []): RegimeRow[] {
  const rowsOf = (presetId: string | null, list: readonly ResultTrade[]) => {
    const regimes = [...new Set(list.map((t) => t.regime ?? 'unknown'))].sort((a, b) => regimeRank(a) - regimeRank(b) || a.localeCompare(b));
    return regimes.map((r) => regimeRow(presetId, r, list.filter((t) => (t.regime ?? 'unknown') === r), list.length));
  };
  const out = rowsOf(null, trades);
  for (const [presetId, list] of byPreset(trades, presetOrder)) if (list.length > 0) out.push(...rowsOf(presetId, list));
  return out;
}
