import type { Random } from '../core/rng.ts';
import { candidateKey, randomCandidate, unitOf, valueAt, type Candidate } from './samplers.ts';
import type { ResolvedSpace } from './space.ts';
import type { TriedSet } from './candidateSet.ts';

/**
 * A Tree-structured Parzen Estimator (Bergstra et al. 2011, the sampler of hyperopt and
 * Optuna), the sample-efficient method of `npm run optimize --method tpe`:
 *
 * - the finished trials are split at the `gamma` quantile of the objective into good (l)
 *   and the rest (g); a trial without an objective (too few trades, undefined ratio) is bad;
 * - per dimension, each group's density is a Parzen mixture on the unit interval: a
 *   Gaussian kernel at each observation (bandwidth shrinking with the group's size) plus a
 *   uniform prior of weight 1/(n+1); choices and grid cells are read at their cell centres;
 * - `candidates` points are drawn from l, and the one with the largest l(x) / g(x) (product
 *   over the dimensions, which are treated as independent) is suggested.
 *
 * The first `startup` suggestions are uniform random. Suggestions come in batches that see
 * the same history, so a batch can be evaluated in parallel and the result does not depend
 * on the number of workers; points already tried (or suggested in the batch) are skipped.
 */
export interface TpeOptions {
  readonly gamma: number;
  readonly candidates: number;
  readonly startup: number;
}

export const DEFAULT_TPE: TpeOptions = { gamma: 0.25, candidates: 24, startup: 16 };

export interface Observation {
  readonly candidate: Candidate;
  /** The objective; null = no objective (counts as bad). */
  readonly score: number | null;
}

const SQRT_2PI = Math.sqrt(2 * Math.PI);

interface Parzen {
  readonly centres: readonly number[];
  readonly bandwidth: number;
  readonly prior: number;
}

function parzen(centres: readonly number[]): Parzen {
  const n = centres.length;
  return { centres, bandwidth: Math.max(0.04, 0.5 * (n + 1) ** -0.2), prior: 1 / (n + 1) };
}

function density(p: Parzen, u: number): number {
  let sum = 0;
  for (const c of p.centres) {
    const z = (u - c) / p.bandwidth;
    sum += Math.exp(-0.5 * z * z) / (p.bandwidth * SQRT_2PI);
  }
  const n = p.centres.length;
  return p.prior + (n > 0 ? ((1 - p.prior) * sum) / n : 0);
}

function drawFrom(p: Parzen, random: Random): number {
  if (p.centres.length === 0 || random() < p.prior) return random();
  const c = p.centres[Math.floor(random() * p.centres.length)]!;
  // Box-Muller; reflected into [0, 1).
  const z = Math.sqrt(-2 * Math.log(Math.max(random(), Number.MIN_VALUE))) * Math.cos(2 * Math.PI * random());
  let u = c + z * p.bandwidth;
  u = Math.abs(u);
  if (u >= 1) u = Math.max(0, 2 - u - 1e-12);
  return Math.min(u, 1 - 1e-12);
}

export function tpeBatch(space: ResolvedSpace, history: readonly Observation[], size: number, random: Random, tried: TriedSet, options: TpeOptions = DEFAULT_TPE): Candidate[] {
  const out: Candidate[] = [];
  const scored = history.filter((h) => h.score !== null).sort((a, b) => (b.score as number) - (a.score as number));
  const nGood = Math.max(1, Math.ceil(options.gamma * scored.length));
  const good = scored.slice(0, nGood).map((h) => h.candidate);
  const goodKeys = new Set(good.map(candidateKey));
  const bad = history.filter((h) => !goodKeys.has(candidateKey(h.candidate))).map((h) => h.candidate);
  const model = history.length >= options.startup && scored.length > 0;
  const dims = space.dimensions;
  const l = model ? dims.map((d, i) => parzen(good.map((c) => unitOf(d, c[i]!)))) : [];
  const g = model ? dims.map((d, i) => parzen(bad.map((c) => unitOf(d, c[i]!)))) : [];
  for (let k = 0; k < size; k++) {
    let pick: Candidate | null = null;
    if (model) {
      let best = -Infinity;
      for (let j = 0; j < options.candidates; j++) {
        const units = dims.map((_, i) => drawFrom(l[i]!, random));
        const candidate = dims.map((d, i) => valueAt(d, units[i]!));
        if (tried.has(candidateKey(candidate))) continue;
        let score = 0;
        for (let i = 0; i < dims.length; i++) {
          const u = unitOf(dims[i]!, candidate[i]!);
          score += Math.log(density(l[i]!, u)) - Math.log(density(g[i]!, u));
        }
        if (score > best) {
          best = score;
          pick = candidate;
        }
      }
    }
    for (let attempt = 0; pick === null && attempt < 50; attempt++) {
      const candidate = randomCandidate(space, random);
      if (!tried.has(candidateKey(candidate))) pick = candidate;
    }
    if (pick === null) break;
    tried.add(candidateKey(pick));
    out.push(pick);
  }
  return out;
}
