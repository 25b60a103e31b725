import { DAY_MS } from '../core/data/utcTime.ts';
import { sharpeRatio, sortinoRatio } from '../backtest/metrics/ratios.ts';
import { annualisedReturnPct, type TrialMetrics } from './trialMetrics.ts';

/**
 * Walk-forward validation (`--walk-forward train=180d,test=30d,step=30d`): the period is cut
 * into windows; each window's parameters are chosen on its training span only, then run on
 * the test span that follows it. The test spans' daily returns are stitched into one
 * out-of-sample record, compounded from the starting equity.
 */
export interface WalkForwardSpec {
  readonly trainMs: number;
  readonly testMs: number;
  readonly stepMs: number;
}

export interface WalkWindow {
  readonly index: number;
  /** Training span [trainFrom, trainTo] and the test span [testFrom, testTo] right after it (testFrom = trainTo). */
  readonly trainFrom: number;
  readonly trainTo: number;
  readonly testFrom: number;
  readonly testTo: number;
}

const UNITS: Readonly<Record<string, number>> = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

function duration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([hdw])$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : null;
}

/** `train=180d,test=30d,step=30d` (units h, d, w; step defaults to test). Returns the spec or the problems. */
export function parseWalkForward(text: string): WalkForwardSpec | string[] {
  const problems: string[] = [];
  const parts = new Map<string, number>();
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key, value] = item.split('=');
    if (!key || !['train', 'test', 'step'].includes(key) || value === undefined) {
      problems.push(`--walk-forward: "${item}" must be train=, test= or step= with a duration such as 180d`);
      continue;
    }
    const ms = duration(value);
    if (ms === null || ms <= 0) problems.push(`--walk-forward: ${key}=${value}: a duration such as 12h, 30d or 4w`);
    else parts.set(key, ms);
  }
  if (!parts.has('train')) problems.push('--walk-forward: train= is required');
  if (!parts.has('test')) problems.push('--walk-forward: test= is required');
  if (problems.length > 0) return problems;
  const spec = { trainMs: parts.get('train')!, testMs: parts.get('test')!, stepMs: parts.get('step') ?? parts.get('test')! };
  if (spec.stepMs < spec.testMs) return [`--walk-forward: step (${spec.stepMs / DAY_MS}d) must be at least test (${spec.testMs / DAY_MS}d), or the stitched out-of-sample record would count days twice`];
  return spec;
}

/** The windows that fit in [from, to]: training starts at from + k x step, and every test span ends by `to`. */
export function walkWindows(from: number, to: number, spec: WalkForwardSpec): WalkWindow[] {
  const out: WalkWindow[] = [];
  for (let k = 0; ; k++) {
    const trainFrom = from + k * spec.stepMs;
    const trainTo = trainFrom + spec.trainMs;
    const testTo = trainTo + spec.testMs;
    if (testTo > to) break;
    out.push({ index: k, trainFrom, trainTo, testFrom: trainTo, testTo });
  }
  return out;
}

/** The out-of-sample record stitched from the test spans. */
export interface StitchedRecord {
  readonly days: number;
  readonly startEquity: number;
  readonly endEquity: number;
  readonly netPnl: number;
  readonly returnPct: number;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly maxDrawdownPct: number;
  readonly calmar: number | null;
  readonly trades: number;
  /** Trade-weighted mean of the windows' expectancy (R). */
  readonly expectancyR: number | null;
  /** Daily closing equity of the stitched record, [UTC day start, equity]. */
  readonly equity: readonly (readonly [number, number])[];
}

export interface TestSpan {
  readonly from: number;
  readonly metrics: TrialMetrics;
  readonly daily: ArrayLike<number>;
}

export function stitch(spans: readonly TestSpan[], startEquity: number): StitchedRecord {
  const returns: number[] = [];
  const equity: [number, number][] = [];
  let e = startEquity;
  let peak = startEquity;
  let maxDd = 0;
  let trades = 0;
  let rSum = 0;
  let rTrades = 0;
  for (const span of spans) {
    const first = Math.floor(span.from / DAY_MS) * DAY_MS;
    for (let i = 0; i < span.daily.length; i++) {
      const r = span.daily[i]!;
      returns.push(r);
      e *= 1 + r;
      peak = Math.max(peak, e);
      if (peak > 0) maxDd = Math.max(maxDd, ((peak - e) / peak) * 100);
      equity.push([first + i * DAY_MS, e]);
    }
    trades += span.metrics.trades;
    if (span.metrics.expectancyR !== null) {
      rSum += span.metrics.expectancyR * span.metrics.trades;
      rTrades += span.metrics.trades;
    }
  }
  const r = Float64Array.from(returns);
  const annual = annualisedReturnPct(startEquity, e, returns.length);
  return {
    days: returns.length,
    startEquity,
    endEquity: e,
    netPnl: e - startEquity,
    returnPct: startEquity > 0 ? (e / startEquity - 1) * 100 : 0,
    sharpe: sharpeRatio(r),
    sortino: sortinoRatio(r),
    maxDrawdownPct: maxDd,
    calmar: annual !== null && maxDd > 0 ? annual / maxDd : null,
    trades,
    expectancyR: rTrades > 0 ? rSum / rTrades : null,
    equity,
  };
}
