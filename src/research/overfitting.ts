import { moments, normCdf, normInv, RunningMoments } from './stats.ts';

/**
 * The optimiser's overfitting guard (Bailey, Borwein, Lopez de Prado, Zhu 2015/2017):
 *
 * - PBO, the probability of backtest overfitting, by combinatorially symmetric
 *   cross-validation (CSCV): the trials' daily returns (T days x N trials) are cut into S
 *   blocks; for every way of choosing S/2 blocks as in-sample (the rest out of sample), the
 *   trial with the best in-sample Sharpe is ranked among all trials out of sample. PBO is
 *   the share of splits where it lands at or below the median (logit of its relative rank
 *   <= 0). 0.5 means the in-sample winner is no better than a coin flip out of sample.
 * - DSR, the deflated Sharpe ratio: the probability that the best trial's (daily) Sharpe
 *   beats the Sharpe the best of N skill-less trials would show by luck, given the spread of
 *   the N trials' Sharpes, the length of the record and its skew and kurtosis.
 *
 * Warnings: PBO above 0.5, DSR below 0.95.
 */
export const PBO_WARNING = 0.5;
export const DSR_WARNING = 0.95;
export const EULER_GAMMA = 0.5772156649015329;

export interface PboResult {
  readonly pbo: number;
  readonly splits: number;
  readonly blocks: number;
  /** Median logit of the in-sample winner's relative out-of-sample rank. */
  readonly medianLogit: number;
}

function* combinations(n: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield idx.slice();
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}

/**
 * CSCV only needs, per trial and block, the count, sum and sum of squares of its daily
 * returns (the Sharpe of any union of blocks follows from them). So the optimiser feeds each
 * trial's daily returns in as it finishes and keeps 2 x S numbers per trial in preallocated
 * typed arrays (S = 10: 160 bytes a trial, 1.6 MB for 10,000 trials) instead of every
 * trial's whole series. Every series must have the same length (one search, one window).
 */
export class PboBlocks {
  readonly blocks: number;
  private capacity: number;
  private n = 0;
  private t = -1;
  private size = 0;
  private sums: Float64Array;
  private squares: Float64Array;

  /** `capacity`: the trials expected (the arrays double if more arrive); `blocks`: S, rounded up to an even number. */
  constructor(capacity: number, blocks = 10) {
    this.blocks = blocks % 2 === 0 ? blocks : blocks + 1;
    this.capacity = Math.max(2, capacity);
    this.sums = new Float64Array(this.capacity * this.blocks);
    this.squares = new Float64Array(this.capacity * this.blocks);
  }

  get trials(): number {
    return this.n;
  }

  add(r: ArrayLike<number>): void {
    const s = this.blocks;
    if (this.t < 0) {
      this.t = r.length;
      this.size = Math.floor(r.length / s);
    } else if (r.length !== this.t) {
      throw new Error(`PBO: every trial needs the same number of days (${this.t}), got ${r.length}`);
    }
    if (this.n === this.capacity) this.grow();
    if (this.t >= 2 * s) {
      const row = this.n * s;
      for (let i = 0; i < this.t; i++) {
        const b = Math.min(s - 1, Math.floor(i / this.size));
        const x = r[i]!;
        this.sums[row + b]! += x;
        this.squares[row + b]! += x * x;
      }
    }
    this.n++;
  }

  private grow(): void {
    this.capacity *= 2;
    const sums = new Float64Array(this.capacity * this.blocks);
    const squares = new Float64Array(this.capacity * this.blocks);
    sums.set(this.sums);
    squares.set(this.squares);
    this.sums = sums;
    this.squares = squares;
  }

  /** PBO over the trials added so far; null with fewer than 2 trials or too few days for the blocks. */
  result(): PboResult | null {
    const n = this.n;
    const t = this.t;
    const s = this.blocks;
    if (n < 2 || t < 2 * s) return null;
    const size = this.size;
    const sums = this.sums;
    const squares = this.squares;
    const counts = new Float64Array(s);
    for (let b = 0; b < s; b++) counts[b] = b === s - 1 ? t - size * (s - 1) : size;
    const sharpeOf = (j: number, chosen: readonly boolean[], inSample: boolean): number => {
      let c = 0;
      let sum = 0;
      let sq = 0;
      for (let b = 0; b < s; b++) {
        if (chosen[b] !== inSample) continue;
        c += counts[b]!;
        sum += sums[j * s + b]!;
        sq += squares[j * s + b]!;
      }
      const mean = sum / c;
      const variance = (sq - c * mean * mean) / Math.max(1, c - 1);
      return variance > 1e-24 ? mean / Math.sqrt(variance) : 0;
    };
    const logits: number[] = [];
    const oos = new Float64Array(n);
    for (const split of combinations(s, s / 2)) {
      const chosen = Array.from({ length: s }, (_, b) => split.includes(b));
      let best = 0;
      let bestSharpe = -Infinity;
      for (let j = 0; j < n; j++) {
        const v = sharpeOf(j, chosen, true);
        if (v > bestSharpe) {
          bestSharpe = v;
          best = j;
        }
      }
      for (let j = 0; j < n; j++) oos[j] = sharpeOf(j, chosen, false);
      // Relative rank of the winner out of sample, ties counted half (so a field of equal trials reads 0.5).
      let below = 0;
      let equal = 0;
      for (let j = 0; j < n; j++) {
        if (oos[j]! < oos[best]!) below++;
        else if (oos[j] === oos[best]) equal++;
      }
      const omega = (below + 0.5 * equal) / (n + 0);
      const w = Math.min(1 - 1e-9, Math.max(1e-9, omega));
      logits.push(Math.log(w / (1 - w)));
    }
    const sorted = [...logits].sort((a, b) => a - b);
    return { pbo: logits.filter((l) => l <= 0).length / logits.length, splits: logits.length, blocks: s, medianLogit: sorted[Math.floor(sorted.length / 2)]! };
  }
}

/** PBO of `returns` (one series per trial, all the same length); null with fewer than 2 trials or too few days for the blocks. */
export function probabilityOfOverfitting(returns: readonly ArrayLike<number>[], blocks = 10): PboResult | null {
  const acc = new PboBlocks(returns.length, blocks);
  for (const r of returns) acc.add(r);
  return acc.result();
}

export interface DsrResult {
  readonly dsr: number;
  /** The best trial's daily Sharpe and the Sharpe the best of N luck-only trials is expected to reach (both per day, not annualised). */
  readonly sharpe: number;
  readonly expectedMaxSharpe: number;
  readonly trials: number;
  readonly days: number;
}

/** Expected maximum of N standard normal draws (the False Strategy Theorem's approximation). */
export function expectedMaxOfNormals(n: number): number {
  if (n <= 1) return 0;
  return (1 - EULER_GAMMA) * normInv(1 - 1 / n) + EULER_GAMMA * normInv(1 - 1 / (n * Math.E));
}

/**
 * DSR of the best trial: `best` its daily returns, `sharpes` every trial's daily Sharpe
 * (mean / sd of its daily returns), N = sharpes.length. Null with fewer than 2 trials or days.
 */
export function deflatedSharpe(best: ArrayLike<number>, sharpes: readonly number[]): DsrResult | null {
  return deflatedSharpeOf(best, sharpes.length, moments(sharpes).sd);
}

/** DSR of the best trial given N (`trials`) and the sample standard deviation of the N trials' daily Sharpes (`spread`). */
export function deflatedSharpeOf(best: ArrayLike<number>, trials: number, spread: number): DsrResult | null {
  const m = moments(best);
  const n = trials;
  if (n < 2 || m.n < 3 || !(m.sd > 0)) return null;
  const sr = m.mean / m.sd;
  const sr0 = spread * expectedMaxOfNormals(n);
  const denominator = Math.sqrt(Math.max(1e-12, 1 - m.skew * sr + ((m.kurtosis - 1) / 4) * sr * sr));
  const dsr = normCdf(((sr - sr0) * Math.sqrt(m.n - 1)) / denominator);
  return { dsr, sharpe: sr, expectedMaxSharpe: sr0, trials: n, days: m.n };
}

/** Daily Sharpe (not annualised) of a return series; 0 without variation. */
export function dailySharpe(r: ArrayLike<number>): number {
  const m = moments(r);
  return m.sd > 0 ? m.mean / m.sd : 0;
}

export interface OverfittingGuard {
  readonly pbo: PboResult | null;
  readonly dsr: DsrResult | null;
  readonly warnings: readonly string[];
}

function guardOf(pbo: PboResult | null, dsr: DsrResult | null): OverfittingGuard {
  const warnings: string[] = [];
  if (pbo && pbo.pbo > PBO_WARNING) {
    warnings.push(`probability of backtest overfitting ${pbo.pbo.toFixed(2)} > ${PBO_WARNING}: the in-sample winner ranks at or below the median out of sample in ${Math.round(pbo.pbo * 100)}% of ${pbo.splits} CSCV splits`);
  }
  if (dsr && dsr.dsr < DSR_WARNING) {
    warnings.push(`deflated Sharpe ratio ${dsr.dsr.toFixed(2)} < ${DSR_WARNING}: after ${dsr.trials} trials the best Sharpe is not clearly above what luck alone would give`);
  }
  return { pbo, dsr, warnings };
}

/** Both measures over a search's trials (their daily returns) and its best trial, with the warnings to print. */
export function overfittingGuard(daily: readonly ArrayLike<number>[], bestIndex: number | null): OverfittingGuard {
  const pbo = probabilityOfOverfitting(daily);
  const dsr = bestIndex === null || daily[bestIndex] === undefined ? null : deflatedSharpe(daily[bestIndex]!, daily.map(dailySharpe));
  return guardOf(pbo, dsr);
}

/**
 * The guard of a search fed one trial at a time, in bounded memory: the PBO blocks (above)
 * and the running mean and variance of the trials' daily Sharpes (all DSR needs of the N
 * trials besides the best one's own series, which the search keeps). Same figures as
 * `overfittingGuard` over the same trials, up to rounding in the Sharpes' spread.
 */
export class GuardAccumulator {
  private readonly pbo: PboBlocks;
  private readonly sharpes = new RunningMoments();

  constructor(capacity: number) {
    this.pbo = new PboBlocks(capacity);
  }

  get trials(): number {
    return this.pbo.trials;
  }

  add(daily: ArrayLike<number>): void {
    this.pbo.add(daily);
    this.sharpes.add(dailySharpe(daily));
  }

  /** `best`: the best trial's daily returns (one of those added), or null when nothing was chosen. */
  result(best: ArrayLike<number> | null): OverfittingGuard {
    return guardOf(this.pbo.result(), best === null ? null : deflatedSharpeOf(best, this.sharpes.count, this.sharpes.sd));
  }
}
