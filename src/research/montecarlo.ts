import { mulberry32, type Random } from '../core/rng.ts';
import type { HistogramData } from '../backtest/report/svg.ts';
import { histogram } from './histogram.ts';
import { percentileSorted } from './stats.ts';

/**
 * Monte Carlo of a backtest's record (`npm run montecarlo`): many alternative histories
 * built from the same trades or days, to see how bad it could have gone.
 *
 * - `trades`: each run draws as many trades as the record has, with replacement, from its
 *   trade returns (a trade's net PnL over the equity before it, compounded): final equity,
 *   drawdown and losing streaks all vary;
 * - `shuffle`: each run is a random order of the same trades: the final equity is the
 *   record's (a product does not depend on its order), only the path varies;
 * - `blocks`: each run strings together blocks of `block` consecutive daily returns drawn
 *   with replacement, wrapping round the end (a circular block bootstrap keeps a bad week together).
 *
 * Per run: final equity, maximum drawdown (% below the running peak), the longest losing
 * streak (trades, or days for `blocks`) and whether equity ever fell to the ruin floor.
 */
export const MC_METHODS = ['trades', 'shuffle', 'blocks'] as const;
export type McMethod = (typeof MC_METHODS)[number];

export interface McSettings {
  readonly method: McMethod;
  readonly runs: number;
  readonly seed: number;
  /** Days per block (`blocks`). */
  readonly block: number;
  /** Ruin: equity at or below this % of the starting equity. */
  readonly floorPct: number;
}

export interface Distribution {
  readonly p5: number;
  readonly p50: number;
  readonly p95: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly histogram: HistogramData;
}

export interface McResult {
  readonly method: McMethod;
  readonly runs: number;
  readonly seed: number;
  /** Days per block (`blocks`; 1 otherwise). */
  readonly block: number;
  readonly steps: number;
  readonly startEquity: number;
  readonly floorPct: number;
  readonly finalEquity: Distribution;
  readonly returnPct: Distribution;
  readonly maxDrawdownPct: Distribution;
  readonly longestLosingStreak: Distribution;
  /** Share of runs whose equity touched the floor. */
  readonly riskOfRuin: number;
  /** The record itself, walked once in its own order. */
  readonly original: { readonly finalEquity: number; readonly maxDrawdownPct: number; readonly longestLosingStreak: number };
}

const BINS = 40;

export function distribution(values: Float64Array, markers = true): Distribution {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  const p5 = percentileSorted(sorted, 5);
  const p50 = percentileSorted(sorted, 50);
  const p95 = percentileSorted(sorted, 95);
  return {
    p5,
    p50,
    p95,
    mean: sum / Math.max(1, sorted.length),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    histogram: histogram(sorted, BINS, markers ? [{ at: p5, label: 'p5' }, { at: p50, label: 'p50' }, { at: p95, label: 'p95' }] : []),
  };
}

interface PathStats {
  final: number;
  maxDd: number;
  streak: number;
  ruined: boolean;
}

/** Walks returns (already in run order) from `start`; allocation-free (fills `out`). */
function walk(returns: ArrayLike<number>, order: Int32Array | null, n: number, start: number, floor: number, out: PathStats): void {
  let e = start;
  let peak = start;
  let maxDd = 0;
  let streak = 0;
  let longest = 0;
  let ruined = e <= floor;
  for (let i = 0; i < n; i++) {
    const r = returns[order ? order[i]! : i]!;
    e *= 1 + r;
    if (e > peak) peak = e;
    else if (peak > 0) {
      const dd = (peak - e) / peak;
      if (dd > maxDd) maxDd = dd;
    }
    if (r < 0) {
      streak++;
      if (streak > longest) longest = streak;
    } else streak = 0;
    if (e <= floor) ruined = true;
  }
  out.final = e;
  out.maxDd = Math.min(100, maxDd * 100);
  out.streak = longest;
  out.ruined = ruined;
}

function fillOrder(method: McMethod, order: Int32Array, n: number, random: Random, block: number): void {
  if (method === 'trades') {
    for (let i = 0; i < n; i++) order[i] = Math.floor(random() * n);
  } else if (method === 'shuffle') {
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
  } else {
    for (let i = 0; i < n; ) {
      const s = Math.floor(random() * n);
      for (let k = 0; k < block && i < n; k++, i++) order[i] = (s + k) % n;
    }
  }
}

/** `returns`: trade returns (trades, shuffle) or daily returns (blocks), as fractions, in the record's order. */
export function monteCarlo(returns: Float64Array, startEquity: number, s: McSettings): McResult {
  const n = returns.length;
  const random = mulberry32(s.seed);
  const floor = (startEquity * s.floorPct) / 100;
  const order = new Int32Array(n);
  const finals = new Float64Array(s.runs);
  const dds = new Float64Array(s.runs);
  const streaks = new Float64Array(s.runs);
  let ruins = 0;
  const stats: PathStats = { final: 0, maxDd: 0, streak: 0, ruined: false };
  for (let k = 0; k < s.runs; k++) {
    fillOrder(s.method, order, n, random, Math.max(1, s.block));
    walk(returns, order, n, startEquity, floor, stats);
    finals[k] = stats.final;
    dds[k] = stats.maxDd;
    streaks[k] = stats.streak;
    if (stats.ruined) ruins++;
  }
  walk(returns, null, n, startEquity, floor, stats);
  const original = { finalEquity: stats.final, maxDrawdownPct: stats.maxDd, longestLosingStreak: stats.streak };
  const returnPct = finals.map((f) => (startEquity > 0 ? (f / startEquity - 1) * 100 : 0));
  return {
    method: s.method,
    runs: s.runs,
    seed: s.seed,
    block: s.method === 'blocks' ? Math.max(1, s.block) : 1,
    steps: n,
    startEquity,
    floorPct: s.floorPct,
    finalEquity: distribution(finals),
    returnPct: distribution(returnPct),
    maxDrawdownPct: distribution(dds),
    longestLosingStreak: distribution(streaks),
    riskOfRuin: s.runs > 0 ? ruins / s.runs : 0,
    original,
  };
}

/** Trade returns of a record: each trade's net PnL over the equity before it (start plus the net of the trades that exited earlier). */
export function tradeReturns(trades: readonly { readonly netPnl: number; readonly exitTime: number; readonly entryTime: number }[], startEquity: number): Float64Array {
  const sorted = [...trades].sort((a, b) => a.exitTime - b.exitTime || a.entryTime - b.entryTime);
  const out = new Float64Array(sorted.length);
  let e = startEquity;
  sorted.forEach((t, i) => {
    out[i] = e > 0 ? Math.max(-1, t.netPnl / e) : 0;
    e += t.netPnl;
  });
  return out;
}
