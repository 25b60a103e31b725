import { mulberry32 } from '../core/rng.ts';
import { sharpeRatio } from '../backtest/metrics/ratios.ts';
import type { BacktestResults, ResultTrade } from '../backtest/types.ts';
import { ResearchInputError } from '../domain/errors.ts';
import { percentileSorted } from './stats.ts';

/**
 * A/B comparison of two backtests on the same data (`npm run backtest -- --compare A B`):
 *
 * - paired daily returns: both runs' portfolio daily returns and daily PnL on the same UTC days;
 * - paired trades: trades of A and B entered at the same time on the same symbol and side
 *   (the same signal taken by both), and those only one of them took;
 * - a paired moving-block bootstrap: blocks of `blockDays` consecutive days (circular), the
 *   same day indices for A and B, `resamples` times; the differences B - A of the annualised
 *   Sharpe and of the net PnL in each resample give 95 % percentile intervals;
 * - the verdict, from the net PnL interval: "B beats A" when it lies above 0, "A beats B"
 *   below 0, otherwise "no significant difference". Identical runs give an interval of
 *   exactly [0, 0]: no difference.
 */
export interface CompareSettings {
  readonly resamples: number;
  readonly blockDays: number;
  readonly seed: number;
  /** Two-sided confidence level, e.g. 0.95. */
  readonly confidence: number;
}

export const DEFAULT_COMPARE: CompareSettings = { resamples: 5000, blockDays: 5, seed: 1, confidence: 0.95 };

export interface Interval {
  readonly observed: number | null;
  readonly low: number;
  readonly high: number;
}

export interface TradePairing {
  readonly common: number;
  readonly onlyA: number;
  readonly onlyB: number;
  /** Over the common trades: sum of net PnL B - A, and the mean R difference. */
  readonly commonNetDiff: number;
  readonly commonMeanRDiff: number | null;
}

export interface Comparison {
  readonly days: number;
  readonly startEquity: number;
  readonly a: { readonly label: string; readonly netPnl: number; readonly sharpe: number | null; readonly trades: number };
  readonly b: { readonly label: string; readonly netPnl: number; readonly sharpe: number | null; readonly trades: number };
  /** Daily PnL of B minus A, per day (USDT). */
  readonly dailyDiff: readonly number[];
  readonly sharpeDiff: Interval;
  /** Net PnL B - A, USDT and as % of the starting equity. */
  readonly netDiff: Interval;
  readonly netDiffPct: Interval;
  readonly trades: TradePairing;
  readonly settings: CompareSettings;
  readonly verdict: 'B beats A' | 'A beats B' | 'no significant difference';
  readonly verdictLine: string;
}

const tradeKey = (t: ResultTrade) => `${t.symbol}\u0000${t.entryTime}\u0000${t.side}`;

export function pairTrades(a: readonly ResultTrade[], b: readonly ResultTrade[]): TradePairing {
  const byKey = new Map<string, ResultTrade[]>();
  for (const t of a) byKey.set(tradeKey(t), [...(byKey.get(tradeKey(t)) ?? []), t]);
  let common = 0;
  let netDiff = 0;
  let rDiff = 0;
  let rCount = 0;
  for (const t of b) {
    const list = byKey.get(tradeKey(t));
    const match = list?.shift();
    if (!match) continue;
    common++;
    netDiff += t.netPnl - match.netPnl;
    if (t.rMultiple !== null && match.rMultiple !== null) {
      rDiff += t.rMultiple - match.rMultiple;
      rCount++;
    }
  }
  return { common, onlyA: a.length - common, onlyB: b.length - common, commonNetDiff: netDiff, commonMeanRDiff: rCount > 0 ? rDiff / rCount : null };
}

function dailyPnl(r: BacktestResults): Float64Array {
  const out = new Float64Array(r.dailyEquity.length);
  let previous = r.startEquity;
  r.dailyEquity.forEach((d, i) => {
    out[i] = d.equity - previous;
    previous = d.equity;
  });
  return out;
}

const interval = (observed: number | null, sorted: Float64Array, confidence: number): Interval => ({
  observed,
  low: percentileSorted(sorted, ((1 - confidence) / 2) * 100),
  high: percentileSorted(sorted, (1 - (1 - confidence) / 2) * 100),
});

const signed = (v: number, digits = 2) => `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;

export function compareResults(a: BacktestResults, b: BacktestResults, labels: readonly [string, string], s: CompareSettings = DEFAULT_COMPARE): Comparison {
  const daysA = a.dailyEquity.map((d) => d.day);
  const daysB = b.dailyEquity.map((d) => d.day);
  if (daysA.length !== daysB.length || daysA.some((d, i) => d !== daysB[i])) throw new ResearchInputError(['--compare: the two runs do not cover the same days (same --data, --from and --to are needed)']);
  if (a.startEquity !== b.startEquity) throw new ResearchInputError([`--compare: the runs start from different equity (${a.startEquity} and ${b.startEquity}): set simulator.initialBalance alike`]);
  const rA = Float64Array.from(a.dailyEquity, (d) => d.returnPct / 100);
  const rB = Float64Array.from(b.dailyEquity, (d) => d.returnPct / 100);
  const pA = dailyPnl(a);
  const pB = dailyPnl(b);
  const n = rA.length;
  const random = mulberry32(s.seed);
  const block = Math.max(1, Math.min(s.blockDays, n));
  const sharpeDiffs = new Float64Array(s.resamples);
  const netDiffs = new Float64Array(s.resamples);
  const xa = new Float64Array(n);
  const xb = new Float64Array(n);
  for (let k = 0; k < s.resamples; k++) {
    let net = 0;
    for (let i = 0; i < n; ) {
      const start = Math.floor(random() * n);
      for (let j = 0; j < block && i < n; j++, i++) {
        const d = (start + j) % n;
        xa[i] = rA[d]!;
        xb[i] = rB[d]!;
        net += pB[d]! - pA[d]!;
      }
    }
    sharpeDiffs[k] = (sharpeRatio(xb) ?? 0) - (sharpeRatio(xa) ?? 0);
    netDiffs[k] = net;
  }
  sharpeDiffs.sort();
  netDiffs.sort();
  const sA = sharpeRatio(rA);
  const sB = sharpeRatio(rB);
  const netDiff = interval(b.portfolio.netPnl - a.portfolio.netPnl, netDiffs, s.confidence);
  const pct = (v: number) => (a.startEquity > 0 ? (v / a.startEquity) * 100 : 0);
  const netDiffPct = { observed: pct(netDiff.observed!), low: pct(netDiff.low), high: pct(netDiff.high) };
  const sharpeDiff = interval(sA !== null && sB !== null ? sB - sA : null, sharpeDiffs, s.confidence);
  const verdict = netDiff.low > 0 ? 'B beats A' : netDiff.high < 0 ? 'A beats B' : 'no significant difference';
  const level = `${Math.round(s.confidence * 100)}% CI`;
  const detail = `${signed(netDiffPct.observed)}% net (${signed(netDiff.observed!)} USDT), ${level} [${signed(netDiffPct.low)}%, ${signed(netDiffPct.high)}%]; Sharpe ${sharpeDiff.observed === null ? '-' : signed(sharpeDiff.observed)}, ${level} [${signed(sharpeDiff.low)}, ${signed(sharpeDiff.high)}]`;
  const verdictLine =
    verdict === 'no significant difference'
      ? `no significant difference: B - A ${detail}`
      : verdict === 'B beats A'
        ? `B beats A: ${detail}`
        : `A beats B: B - A ${detail}`;
  return {
    days: n,
    startEquity: a.startEquity,
    a: { label: labels[0], netPnl: a.portfolio.netPnl, sharpe: sA, trades: a.portfolio.trades },
    b: { label: labels[1], netPnl: b.portfolio.netPnl, sharpe: sB, trades: b.portfolio.trades },
    dailyDiff: Array.from(pB, (v, i) => v - pA[i]!),
    sharpeDiff,
    netDiff,
    netDiffPct,
    trades: pairTrades(a.trades, b.trades),
    settings: s,
    verdict,
    verdictLine,
  };
}
