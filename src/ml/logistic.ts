import { Matrix, solve } from 'ml-matrix';

/**
 * Batch training of the ML filter's model: L2-regularised logistic regression on
 * standardised features, fitted by Newton's method (iteratively reweighted least squares;
 * ml-matrix solves each step's linear system). Deterministic (starts from zero weights, no
 * sampling), so the same rows give the same model. The intercept is not penalised.
 */
export interface LogisticFit {
  readonly mean: number[];
  readonly scale: number[];
  readonly weights: number[];
  readonly intercept: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface LogisticOptions {
  /** L2 penalty on the standardised weights (default 1). */
  readonly l2?: number;
  readonly maxIterations?: number;
}

/** `rows`: n x d values (row-major, finite), `labels`: n values of 0 or 1. */
export function fitLogistic(rows: Float64Array, labels: ArrayLike<number>, d: number, options: LogisticOptions = {}): LogisticFit {
  const n = labels.length;
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 50;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += rows[i * d + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) scale[j]! += (rows[i * d + j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) scale[j] = scale[j]! > 1e-24 ? Math.sqrt(scale[j]!) : 1;
  // Design matrix: intercept column, then the standardised features.
  const z = new Matrix(n, d + 1);
  for (let i = 0; i < n; i++) {
    z.set(i, 0, 1);
    for (let j = 0; j < d; j++) z.set(i, j + 1, (rows[i * d + j]! - mean[j]!) / scale[j]!);
  }
  let w = new Float64Array(d + 1);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const hessian = Matrix.zeros(d + 1, d + 1);
    const gradient = new Float64Array(d + 1);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= d; j++) s += z.get(i, j) * w[j]!;
      const p = 1 / (1 + Math.exp(-s));
      const weight = Math.max(p * (1 - p), 1e-10);
      const residual = labels[i]! - p;
      for (let a = 0; a <= d; a++) {
        const za = z.get(i, a);
        gradient[a]! += za * residual;
        for (let b = a; b <= d; b++) hessian.set(a, b, hessian.get(a, b) + weight * za * z.get(i, b));
      }
    }
    for (let a = 0; a <= d; a++) {
      for (let b = 0; b < a; b++) hessian.set(a, b, hessian.get(b, a));
      if (a > 0) {
        hessian.set(a, a, hessian.get(a, a) + l2);
        gradient[a]! -= l2 * w[a]!;
      }
    }
    const step = solve(hessian, Matrix.columnVector(Array.from(gradient))).to1DArray();
    let largest = 0;
    const next = new Float64Array(d + 1);
    for (let j = 0; j <= d; j++) {
      next[j] = w[j]! + step[j]!;
      largest = Math.max(largest, Math.abs(step[j]!));
    }
    w = next;
    converged = largest < 1e-9;
  }
  return { mean, scale, weights: Array.from(w.subarray(1)), intercept: w[0]!, iterations, converged };
}

/** Area under the ROC curve (ties count half); null when one class is missing. */
export function aucOf(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const idx = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  for (let k = 0; k < idx.length; ) {
    let end = k;
    while (end + 1 < idx.length && scores[idx[end + 1]!] === scores[idx[k]!]) end++;
    const rank = (k + end) / 2 + 1;
    for (let m = k; m <= end; m++) {
      if (labels[idx[m]!] === 1) {
        pos++;
        rankSum += rank;
      } else neg++;
    }
    k = end + 1;
  }
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Share of label 1 among the rows scoring at least `threshold`; null when none does. */
export function precisionAt(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): { readonly precision: number | null; readonly kept: number } {
  let kept = 0;
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    if (scores[i]! >= threshold) {
      kept++;
      if (labels[i] === 1) hits++;
    }
  }
  return { precision: kept === 0 ? null : hits / kept, kept };
}
