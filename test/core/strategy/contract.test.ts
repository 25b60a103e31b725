import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confluenceScore, roundScore } from '../../../src/core/strategy/contract.ts';

describe('confluenceScore', () => {
  it('rounds exactly as Number(x.toFixed(4)) does, ties and all', () => {
    const ties = fc.integer({ min: 1000, max: 9999 }).chain((k) => fc.integer({ min: -4, max: 4 }).map((ulps) => (k + 0.5) / 1e4 + ulps * Number.EPSILON));
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: 0.1, max: 1, noNaN: true }), ties), (x) => {
        expect(roundScore(x)).toBe(Number(x.toFixed(4)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('is 0.1 + 0.9 x the weighted factors, clamped to [0.1, 1], to 4 decimals', () => {
    const unit = fc.double({ min: -0.5, max: 1.5, noNaN: true });
    fc.assert(
      fc.property(fc.tuple(unit, unit, unit), (f) => {
        const weights = [0.4, 0.3, 0.3];
        const sum = f.reduce((a, v, i) => a + Math.min(1, Math.max(0, v)) * weights[i]!, 0);
        expect(confluenceScore(f, weights)).toBe(Number(Math.min(1, Math.max(0.1, 0.1 + 0.9 * sum)).toFixed(4)));
      }),
      { numRuns: 5_000 },
    );
    expect(confluenceScore([Number.NaN, 1, 1], [0.4, 0.3, 0.3])).toBe(0.64);
  });
});
