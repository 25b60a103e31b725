import type { AnyStrategyDefinition } from '../strategy/contract.ts';

/**
 * How much history a strategy kernel ingests before its first decision, in live and in
 * backtest alike (DESIGN-backtest point 4: warm-up that converges).
 *
 * An exponential average with factor a forgets its seed as (1 - a)^n: after
 * ln(TOLERANCE) / ln(1 - a) inputs the seed weighs less than TOLERANCE (1e-9), so a kernel
 * warmed up with that much history decides like one that has run for ever. Windowed
 * indicators (SMA, Bollinger, Donchian, volume mean) are exact after their period. A
 * strategy whose smoothing constants are not listed here warms up with its own
 * `warmup(params)` (the minimum for a first indicator value).
 */
export const WARMUP_TOLERANCE = 1e-9;

/** Inputs an exponential average with factor `alpha` needs to forget its seed to WARMUP_TOLERANCE. */
export function forgetSeed(alpha: number): number {
  if (!(alpha > 0) || alpha >= 1) return 0;
  return Math.ceil(Math.log(WARMUP_TOLERANCE) / Math.log(1 - alpha));
}

/** Seed (the SMA of the first `period` inputs) plus the time to forget it. */
const ema = (period: number): number => period + forgetSeed(2 / (period + 1));
const wilder = (period: number): number => period + forgetSeed(1 / period);

type Params = Readonly<Record<string, unknown>>;
const num = (p: Params, key: string, fallback: number): number => {
  const value = p[key];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
};

/** Candles per strategy type; each entry mirrors the indicators the strategy's file builds. */
const CONVERGENCE: Readonly<Record<string, (p: Params) => number>> = {
  range: (p) =>
    Math.max(
      num(p, 'bbPeriod', 20),
      num(p, 'donchianPeriod', 48),
      num(p, 'volumePeriod', 20) + 1,
      wilder(num(p, 'rsiPeriod', 14)) + 1,
      wilder(num(p, 'atrPeriod', 14)) + 1,
      // ADX smooths twice: Wilder-smoothed directional movement, then Wilder of DX.
      2 * wilder(num(p, 'adxPeriod', 14)) + 1,
    ),
  multiTimeframe: (p) => {
    const ratio = Math.max(1, Math.round(num(p, 'higherTimeframeMinutes', 15) / num(p, 'interval', 5)));
    // The trend EMAs run on higher-timeframe candles (plus one partial bucket to align).
    return Math.max(ratio * (ema(num(p, 'slowEma', 21)) + 1), wilder(num(p, 'rsiPeriod', 14)) + 1, wilder(num(p, 'atrPeriod', 14)) + 1);
  },
  volumeVwap: (p) =>
    Math.max(
      wilder(num(p, 'atrPeriod', 14)) + 1,
      num(p, 'volumePeriod', 20) + 1,
      // The session VWAP restarts at 00:00 UTC: a whole day of candles covers any session.
      Math.ceil(1440 / num(p, 'interval', 5)),
    ),
};

/**
 * A preset with a `regime` block decides on the regime classifier too: its ADX smooths twice,
 * its ATR percentile ranks `atrLookback` converged ATRs, its long volatility spans `volLookback`.
 */
function regimeConverged(p: Params): number {
  const r = p.regime;
  if (typeof r !== 'object' || r === null) return 0;
  const q = r as Params;
  return Math.max(2 * wilder(num(q, 'adxPeriod', 14)) + 1, wilder(num(q, 'atrPeriod', 14)) + 1 + num(q, 'atrLookback', 100), num(q, 'volLookback', 200) + 1);
}

/** Closed candles a kernel ingests before its first decision: converged indicators, and at least the strategy's own warm-up. */
export function convergedWarmup(def: AnyStrategyDefinition, params: unknown): number {
  const own = safe(() => def.warmup(params));
  const table = CONVERGENCE[def.type];
  const converged = table ? safe(() => table((params ?? {}) as Params)) : 0;
  const regime = safe(() => regimeConverged((params ?? {}) as Params));
  return Math.max(1, own, converged, regime);
}

function safe(f: () => number): number {
  try {
    const value = f();
    return Number.isFinite(value) && value > 0 ? Math.ceil(value) : 0;
  } catch {
    return 0;
  }
}
