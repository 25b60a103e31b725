import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../support/seedProperties.ts';
import { toFixedNumber } from '../../src/core/fixedRound.ts';

const slow = (x: number, d: number): number => Number(x.toFixed(d));
const same = (x: number, d: number): void => {
  const fast = toFixedNumber(x, d);
  const expected = slow(x, d);
  if (!Object.is(fast, expected)) throw new Error(`toFixedNumber(${x}, ${d}) = ${fast}, toFixed gives ${expected}`);
};

describe('toFixedNumber equals Number(x.toFixed(d)) bit for bit', () => {
  it('on arbitrary doubles and digit counts', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: false }), fc.integer({ min: 0, max: 22 }), (x, d) => same(x, d)),
      { numRuns: 20_000 },
    );
  });

  it('on money-sized amounts with 8 and 10 decimals', () => {
    fc.assert(
      fc.property(fc.double({ min: -5e6, max: 5e6, noNaN: true }), (x) => {
        same(x, 8);
        same(x, 10);
      }),
      { numRuns: 50_000 },
    );
  });

  it('on grid values count x step (the exchange-grid rounding) and on ties', () => {
    const steps = [0.1, 0.01, 0.001, 0.5, 0.05, 1, 10, 0.0001, 1e-7, 0.025, 0.00001];
    fc.assert(
      fc.property(fc.integer({ min: -2e9, max: 2e9 }), fc.constantFrom(...steps), (count, step) => {
        const digits = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)) + (String(step).includes('5') ? 1 : 0);
        same(count * step, digits);
        // Exact and near ties: k.5 at the last digit, and one ulp either side.
        const tie = (count + 0.5) / 10 ** digits;
        same(tie, digits);
        same(tie + Number.EPSILON * Math.abs(tie), digits);
        same(tie - Number.EPSILON * Math.abs(tie), digits);
      }),
      { numRuns: 20_000 },
    );
  });

  it('on the special values', () => {
    for (const x of [0, -0, Number.NaN, Infinity, -Infinity, 1e21, -1e21, 0.5, -0.5, 1.5, 2.5, -2.5, 1.005, 1.0049999999999999, 5e-324, -5e-324, 2 ** 52, 2 ** 53 + 2]) {
      for (let d = 0; d <= 22; d++) same(x, d);
    }
  });
});
