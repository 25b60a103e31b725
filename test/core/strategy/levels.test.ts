import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmt, levelsProblem, levelsTradable } from '../../../src/core/strategy/levels.ts';

/** The definition fmt() must keep (reasons are compared across versions by the decision golden). */
const reference = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v));

describe('fmt', () => {
  it('is String(Number(value.toPrecision(6))) for every double', () => {
    fc.assert(
      fc.property(fc.double(), (v) => {
        expect(fmt(v)).toBe(reference(v));
      }),
      { numRuns: 20_000 },
    );
  });

  it('also at every magnitude, rounding edge and sign', () => {
    const edges = [0, -0, 1, -1, 0.5, 999_999.4, 999_999.5, 999_999.6, 99_999.95, 123_456.7, 1e6, 1e-6, 1.5e-7, 9.999995e-7, 0.00000123457, 30_012.25, 1e21, 5e-324, Number.MAX_VALUE];
    for (const v of edges) for (const s of [1, -1]) expect(fmt(s * v), String(s * v)).toBe(reference(s * v));
    fc.assert(
      fc.property(fc.integer({ min: -12, max: 12 }), fc.integer({ min: 1, max: 999_999_999 }), fc.boolean(), (exp, mantissa, negative) => {
        const v = (negative ? -1 : 1) * mantissa * 10 ** (exp - 6);
        expect(fmt(v)).toBe(reference(v));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('levelsTradable', () => {
  it('is true exactly when levelsProblem finds nothing', () => {
    const n = fc.oneof(fc.double({ min: 0.5, max: 2, noNaN: true }), fc.double(), fc.constantFrom(1, 0, -1, Number.NaN, Infinity));
    fc.assert(
      fc.property(fc.constantFrom('long', 'short') as fc.Arbitrary<'long' | 'short'>, n, n, n, fc.double({ min: 0, max: 3, noNaN: true }), (side, entry, stop, target, minRr) => {
        expect(levelsTradable(side, entry, stop, target, minRr)).toBe(levelsProblem(side, entry, stop, target, minRr) === null);
      }),
      { numRuns: 5_000 },
    );
  });
});
