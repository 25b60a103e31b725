import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../../src/core/rng.ts';
import { deflatedSharpe, expectedMaxOfNormals, overfittingGuard, probabilityOfOverfitting, dailySharpe } from '../../src/research/overfitting.ts';
import { moments, normCdf, normInv, percentileSorted } from '../../src/research/stats.ts';

/** `trials` series of `days` iid normal daily returns; trial `skilled` (if any) gets a real edge. */
function field(seed: number, trials: number, days: number, skilled = -1, edge = 0.004): Float64Array[] {
  const random = mulberry32(seed);
  return Array.from({ length: trials }, (_, j) => Float64Array.from({ length: days }, () => (j === skilled ? edge : 0) + 0.01 * gaussian(random)));
}

describe('statistics helpers', () => {
  it('normal CDF and its inverse agree, and match known quantiles', () => {
    for (const p of [0.001, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999]) expect(normCdf(normInv(p))).toBeCloseTo(p, 6);
    expect(normInv(0.975)).toBeCloseTo(1.959964, 5);
    expect(normCdf(0)).toBeCloseTo(0.5, 7);
  });

  it('moments and percentiles', () => {
    const m = moments([1, 2, 3, 4]);
    expect([m.mean, m.sd]).toEqual([2.5, Math.sqrt(5 / 3)]);
    expect(m.skew).toBeCloseTo(0, 12);
    expect(percentileSorted([0, 10, 20, 30, 40], 50)).toBe(20);
    expect(percentileSorted([0, 10], 25)).toBe(2.5);
  });

  it('the expected maximum of N normals matches a seeded simulation (within 4 % at N = 10, 2 % beyond: the approximation is asymptotic)', () => {
    const random = mulberry32(5);
    for (const n of [10, 100, 1000]) {
      let sum = 0;
      const runs = 2000;
      for (let r = 0; r < runs; r++) {
        let max = -Infinity;
        for (let i = 0; i < n; i++) max = Math.max(max, gaussian(random));
        sum += max;
      }
      expect(Math.abs(expectedMaxOfNormals(n) / (sum / runs) - 1)).toBeLessThan(n === 10 ? 0.04 : 0.02);
    }
  });
});

describe('probability of backtest overfitting (CSCV)', () => {
  it('is about one half when every trial is noise: the in-sample winner is a coin flip out of sample', () => {
    const pbos = [1, 2, 3, 4, 5].map((seed) => probabilityOfOverfitting(field(seed, 40, 400))!.pbo);
    const mean = pbos.reduce((a, b) => a + b, 0) / pbos.length;
    expect(mean).toBeGreaterThan(0.3);
    expect(mean).toBeLessThan(0.7);
  });

  it('is near zero when one trial has a real edge', () => {
    const r = probabilityOfOverfitting(field(9, 40, 400, 17))!;
    expect(r.splits).toBe(252);
    expect(r.pbo).toBeLessThan(0.05);
    expect(r.medianLogit).toBeGreaterThan(2);
  });

  it('needs two trials and two days per block', () => {
    expect(probabilityOfOverfitting(field(1, 1, 400))).toBeNull();
    expect(probabilityOfOverfitting(field(1, 5, 19))).toBeNull();
  });
});

describe('deflated Sharpe ratio', () => {
  it('deflates the best of many noise trials below 0.95 (warning), and passes a real edge', () => {
    const noise = field(3, 200, 365);
    const sharpes = noise.map(dailySharpe);
    const best = sharpes.indexOf(Math.max(...sharpes));
    const lucky = deflatedSharpe(noise[best]!, sharpes)!;
    expect(lucky.sharpe * Math.sqrt(365)).toBeGreaterThan(1.5); // looks good annualised...
    expect(lucky.dsr).toBeLessThan(0.95); // ...but not after 200 trials
    const guard = overfittingGuard(noise, best);
    expect(guard.warnings.some((w) => w.startsWith('deflated Sharpe ratio'))).toBe(true);

    const skilled = field(3, 200, 365, 42, 0.006);
    const s2 = skilled.map(dailySharpe);
    const real = deflatedSharpe(skilled[42]!, s2)!;
    expect(real.dsr).toBeGreaterThan(0.95);
    expect(overfittingGuard(skilled, 42).warnings).toEqual([]);
  });
});
