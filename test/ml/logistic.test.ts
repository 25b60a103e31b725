import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../../src/core/rng.ts';
import { sigmoid } from '../../src/core/ml/model.ts';
import { aucOf, fitLogistic, precisionAt } from '../../src/ml/logistic.ts';

/** n rows of 3 features; labels drawn from sigmoid(0.5 + 2 x0 - 1 x1 + 0 x2) with a fixed seed. */
function planted(n: number, seed = 5) {
  const random = mulberry32(seed);
  const rows = new Float64Array(n * 3);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [gaussian(random), gaussian(random) * 3 + 10, gaussian(random)];
    rows.set(x, i * 3);
    labels.push(random() < sigmoid(0.5 + 2 * x[0]! - 1 * ((x[1]! - 10) / 3)) ? 1 : 0);
  }
  return { rows, labels };
}

describe('logistic regression (IRLS)', () => {
  it('recovers planted standardised coefficients and converges, deterministically', () => {
    const { rows, labels } = planted(4000);
    const fit = fitLogistic(rows, labels, 3, { l2: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(15);
    expect(fit.mean[1]).toBeCloseTo(10, 0);
    expect(fit.scale[1]).toBeCloseTo(3, 0);
    // Standardised weights: x0 has sd 1 -> about 2; x1 was standardised by 3 -> about -1; x2 is noise.
    expect(fit.weights[0]).toBeGreaterThan(1.7);
    expect(fit.weights[0]).toBeLessThan(2.3);
    expect(fit.weights[1]).toBeGreaterThan(-1.2);
    expect(fit.weights[1]).toBeLessThan(-0.8);
    expect(Math.abs(fit.weights[2]!)).toBeLessThan(0.15);
    expect(fit.intercept).toBeGreaterThan(0.3);
    expect(fit.intercept).toBeLessThan(0.7);
    expect(fitLogistic(rows, labels, 3, { l2: 0 })).toEqual(fit);
  });

  it('shrinks the weights with the L2 penalty', () => {
    const { rows, labels } = planted(500);
    const loose = fitLogistic(rows, labels, 3, { l2: 0 });
    const tight = fitLogistic(rows, labels, 3, { l2: 200 });
    expect(Math.abs(tight.weights[0]!)).toBeLessThan(Math.abs(loose.weights[0]!) * 0.8);
  });

  it('survives a constant feature (scale 1, weight 0 under the penalty)', () => {
    const { rows, labels } = planted(300);
    for (let i = 0; i < 300; i++) rows[i * 3 + 2] = 4;
    const fit = fitLogistic(rows, labels, 3, { l2: 1 });
    expect(fit.scale[2]).toBe(1);
    expect(fit.weights[2]).toBeCloseTo(0, 9);
    expect(fit.weights.every(Number.isFinite)).toBe(true);
  });
});

describe('evaluation figures', () => {
  it('AUC: 1 for a perfect ranking, 0.5 for ties, 0 for a reversed one, null without both classes', () => {
    expect(aucOf([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(aucOf([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(aucOf([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(aucOf([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(aucOf([0.1, 0.2], [1, 1])).toBeNull();
  });

  it('precision at a threshold counts the rows kept and the hits among them', () => {
    expect(precisionAt([0.1, 0.6, 0.7, 0.9], [1, 0, 1, 1], 0.6)).toEqual({ precision: 2 / 3, kept: 3 });
    expect(precisionAt([0.1], [1], 0.5)).toEqual({ precision: null, kept: 0 });
  });
});
