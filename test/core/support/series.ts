import type { Candle } from '../../../src/domain/types.ts';
import { gaussian, mulberry32 } from '../../../src/core/rng.ts';

/**
 * Seeded synthetic candles for core tests. Prices follow a discretised Ornstein-Uhlenbeck
 * process (mean reverting when theta > 0) plus an optional drift, sampled at `substeps`
 * points per candle so highs and lows look like real intrabar extremes.
 */
export interface SeriesOptions {
  readonly seed: number;
  readonly count: number;
  /** Start of the first candle (UTC ms); default 2024-01-01T00:00Z. */
  readonly start?: number;
  readonly intervalMs?: number;
  readonly startPrice?: number;
  /** Level the price reverts to (default startPrice). */
  readonly mean?: number;
  /** Reversion per candle (0 = random walk). */
  readonly theta?: number;
  /** Std-dev of the price change per candle, as a fraction of startPrice. */
  readonly volatility?: number;
  /** Drift per candle, as a fraction of startPrice. */
  readonly drift?: number;
  readonly baseVolume?: number;
  readonly substeps?: number;
}

export const T0 = Date.UTC(2024, 0, 1);
export const MIN = 60_000;

export function syntheticCandles(o: SeriesOptions): Candle[] {
  const random = mulberry32(o.seed);
  const step = o.intervalMs ?? 5 * MIN;
  const start = o.start ?? T0;
  const p0 = o.startPrice ?? 100;
  const mean = o.mean ?? p0;
  const theta = o.theta ?? 0.05;
  const vol = (o.volatility ?? 0.002) * p0;
  const drift = (o.drift ?? 0) * p0;
  const subs = o.substeps ?? 6;
  const out: Candle[] = [];
  let x = p0;
  let anchor = mean;
  for (let i = 0; i < o.count; i++) {
    const open = x;
    let high = x;
    let low = x;
    anchor += drift;
    for (let k = 0; k < subs; k++) {
      x += (theta * (anchor - x)) / subs + drift / subs + (vol / Math.sqrt(subs)) * gaussian(random);
      x = Math.max(x, p0 * 0.01);
      high = Math.max(high, x);
      low = Math.min(low, x);
    }
    const volume = (o.baseVolume ?? 50) * Math.exp(0.4 * gaussian(random));
    out.push({ start: start + i * step, open, high, low, close: x, volume, turnover: volume * x });
  }
  return out;
}

export function closes(candles: readonly Candle[]): number[] {
  return candles.map((c) => c.close);
}

/** Relative difference, safe around 0. */
export function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
}
