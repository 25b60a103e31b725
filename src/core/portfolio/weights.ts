import type { AllocationSettings, PresetTrade } from './types.ts';

/**
 * Target weights per preset for each allocation mode. Every function returns weights that
 * are finite, non-negative and sum to 1 over the given presets (or all 0 when fixed weights
 * name none of them), in the presets' order.
 */

export function equalWeights(presets: readonly string[]): Record<string, number> {
  return Object.fromEntries(presets.map((p) => [p, 1 / presets.length]));
}

export function normalise(presets: readonly string[], raw: (p: string) => number): Record<string, number> {
  const values = presets.map((p) => {
    const v = raw(p);
    return Number.isFinite(v) && v > 0 ? v : 0;
  });
  const sum = values.reduce((a, b) => a + b, 0);
  return Object.fromEntries(presets.map((p, i) => [p, sum > 0 ? values[i]! / sum : 0]));
}

/** fixed: the configured weights, normalised; presets not listed get 0. */
export function fixedWeights(presets: readonly string[], weights: Readonly<Record<string, number>>): Record<string, number> {
  return normalise(presets, (p) => weights[p] ?? 0);
}

/** riskParity without covariance: weights proportional to 1 / volatility. */
export function inverseVolatilityWeights(presets: readonly string[], vol: Readonly<Record<string, number>>): Record<string, number> {
  return normalise(presets, (p) => 1 / vol[p]!);
}

/** Each preset's share of the portfolio variance, w_i (S w)_i / w'S w (sums to 1). */
export function riskContributions(w: readonly number[], cov: readonly (readonly number[])[]): number[] {
  const sw = w.map((_, i) => cov[i]!.reduce((s, c, j) => s + c * w[j]!, 0));
  const total = w.reduce((s, wi, i) => s + wi * sw[i]!, 0);
  return w.map((wi, i) => (total > 0 ? (wi * sw[i]!) / total : Number.NaN));
}

/**
 * Equal risk contribution (Maillard, Roncalli, Teiletche): weights whose contributions
 * w_i (S w)_i are all equal, by cyclical coordinate descent (Griveau-Billon et al.): each
 * x_i solves S_ii x_i^2 + c_i x_i - 1/n = 0 with c_i = sum_{j != i} S_ij x_j, then the
 * result is normalised. Converges for a positive-definite covariance; null if it does not.
 */
export function equalRiskContributionWeights(cov: readonly (readonly number[])[], iterations = 500, tolerance = 1e-12): number[] | null {
  const n = cov.length;
  if (n === 0) return [];
  for (let i = 0; i < n; i++) if (!(cov[i]![i]! > 0) || cov[i]!.some((c) => !Number.isFinite(c))) return null;
  const x = cov.map((row, i) => 1 / Math.sqrt(row[i]!));
  const b = 1 / n;
  for (let it = 0; it < iterations; it++) {
    let change = 0;
    for (let i = 0; i < n; i++) {
      let c = 0;
      for (let j = 0; j < n; j++) if (j !== i) c += cov[i]![j]! * x[j]!;
      const s = cov[i]![i]!;
      const next = (-c + Math.sqrt(c * c + 4 * s * b)) / (2 * s);
      change = Math.max(change, Math.abs(next - x[i]!) / Math.max(next, 1e-300));
      x[i] = next;
    }
    if (change < tolerance) break;
  }
  const sum = x.reduce((a, v) => a + v, 0);
  if (!(sum > 0) || x.some((v) => !Number.isFinite(v) || v < 0)) return null;
  return x.map((v) => v / sum);
}

/** Score of one preset's newest trades: mean return (expectancy) or mean / stdev (Sharpe per trade). */
export function tradeScore(returns: readonly number[], metric: 'expectancy' | 'sharpe'): number {
  const n = returns.length;
  const mean = returns.reduce((a, b) => a + b, 0) / n;
  if (metric === 'expectancy') return mean;
  const sd = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / Math.max(1, n - 1));
  return sd > 0 ? mean / sd : mean > 0 ? 1 : mean < 0 ? -1 : 0;
}

export interface PerformanceResult {
  readonly weights: Record<string, number>;
  readonly scores: Record<string, number>;
  readonly trades: Record<string, number>;
}

/**
 * performance: each preset's score over its newest `performanceTrades` closed trades; the
 * positive scores, normalised, are the raw weights (a preset with fewer than `minTrades`
 * trades is given the mean raw weight, i.e. stays neutral; all scores <= 0: equal), then
 * shrunk towards equal weight: w = (1 - shrinkage) raw + shrinkage / n.
 */
export function performanceWeights(presets: readonly string[], trades: readonly PresetTrade[], s: AllocationSettings): PerformanceResult {
  const byPreset = new Map<string, number[]>(presets.map((p) => [p, []]));
  for (const t of trades) byPreset.get(t.presetId)?.push(t.ret);
  const scores: Record<string, number> = {};
  const counts: Record<string, number> = {};
  const scored: string[] = [];
  for (const p of presets) {
    const all = byPreset.get(p)!;
    const recent = all.slice(-s.performanceTrades).filter(Number.isFinite);
    counts[p] = recent.length;
    if (recent.length >= s.minTrades) {
      scores[p] = tradeScore(recent, s.performanceMetric);
      scored.push(p);
    }
  }
  const equal = equalWeights(presets);
  const positive = scored.filter((p) => scores[p]! > 0);
  if (positive.length === 0) return { weights: equal, scores, trades: counts };
  // Neutral presets (too few trades) take the equal share; the scored ones split the rest by score.
  const neutral = presets.filter((p) => !scored.includes(p));
  const scoredShare = 1 - neutral.length / presets.length;
  const sum = positive.reduce((a, p) => a + scores[p]!, 0);
  const raw = (p: string): number => (neutral.includes(p) ? 1 / presets.length : positive.includes(p) ? (scoredShare * scores[p]!) / sum : 0);
  const weights = Object.fromEntries(presets.map((p) => [p, (1 - s.shrinkage) * raw(p) + s.shrinkage * equal[p]!]));
  return { weights, scores, trades: counts };
}

/**
 * Clamps weights into [floor, ceiling] per preset, keeping the sum at 1: w_i =
 * clamp(k x raw_i, floor_i, ceiling_i) with the one scale k that makes them sum to 1 (the
 * sum only grows with k, so bisection finds it). Bounds that cannot hold together (floors
 * summing over 1, ceilings under 1) are scaled instead.
 */
export function applyBounds(presets: readonly string[], weights: Readonly<Record<string, number>>, s: AllocationSettings): Record<string, number> {
  const n = presets.length;
  if (n === 0) return {};
  const floor = presets.map((p) => (s.bounds[p]?.floorPct ?? s.floorPct) / 100);
  const ceil = presets.map((p, i) => Math.max(floor[i]!, (s.bounds[p]?.ceilingPct ?? s.ceilingPct) / 100));
  const floorSum = floor.reduce((a, b) => a + b, 0);
  const ceilSum = ceil.reduce((a, b) => a + b, 0);
  if (floorSum >= 1) return Object.fromEntries(presets.map((p, i) => [p, floor[i]! / floorSum]));
  if (ceilSum <= 1) return Object.fromEntries(presets.map((p, i) => [p, ceil[i]! / ceilSum]));
  // A zero weight may still be raised to its floor and, if nothing else can take it, beyond.
  const raw = presets.map((p) => Math.max(1e-12, Number.isFinite(weights[p]) ? weights[p]! : 0));
  const at = (k: number): number[] => raw.map((r, i) => Math.min(ceil[i]!, Math.max(floor[i]!, k * r)));
  const sum = (k: number): number => at(k).reduce((a, b) => a + b, 0);
  let lo = 0;
  let hi = 1;
  while (sum(hi) < 1 && hi < 1e300) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > hi * 1e-16; i++) {
    const mid = (lo + hi) / 2;
    if (sum(mid) < 1) lo = mid;
    else hi = mid;
  }
  const w = at(hi);
  const total = w.reduce((a, b) => a + b, 0);
  return Object.fromEntries(presets.map((p, i) => [p, w[i]! / total]));
}
