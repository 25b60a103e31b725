import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../support/seedProperties.ts';
import { shortNumber } from '../../src/core/shortNumber.ts';

const reference = (value: number): string => (Number.isFinite(value) ? String(Number(value.toPrecision(6))) : String(value));
/** Throws on a mismatch (expect() in a loop of 100,000 cases costs seconds). */
const same = (x: number): void => {
  const text = shortNumber(x);
  if (text !== reference(x)) throw new Error(`shortNumber(${x}) = ${text}, toPrecision gives ${reference(x)}`);
};

describe('shortNumber equals String(Number(value.toPrecision(6)))', () => {
  it('on arbitrary doubles', () => {
    fc.assert(fc.property(fc.double(), (x) => same(x)), { numRuns: 20_000 });
  });

  it('on every magnitude a reason prints, including round and tie values', () => {
    fc.assert(
      fc.property(fc.integer({ min: -999_999_999, max: 999_999_999 }), fc.integer({ min: -14, max: 8 }), fc.integer({ min: -2, max: 2 }), (mantissa, exponent, ulps) => {
        let x = mantissa * 10 ** exponent;
        for (let i = 0; i < Math.abs(ulps); i++) x = ulps > 0 ? x + Number.EPSILON * Math.abs(x) : x - Number.EPSILON * Math.abs(x);
        same(x);
        same((mantissa + 0.5) * 10 ** exponent);
      }),
      { numRuns: 30_000 },
    );
  });

  it('on prices, ratios and money as strategies and risk checks print them', () => {
    fc.assert(fc.property(fc.double({ min: -2e6, max: 2e6, noNaN: true }), (x) => same(x)), { numRuns: 30_000 });
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (x) => same(x)), { numRuns: 20_000 });
  });

  it('on the edges', () => {
    const edges = [0, -0, 1, -1, 1e-6, 9.999995e-7, 9.9999949e-7, 999_999.4, 999_999.5, 999_999.6, 99_999.95, 0.1 + 0.2, 1e21, 5e-324, NaN, Infinity, -Infinity, 123_456.5, 0.0000015];
    for (const x of edges) expect(shortNumber(x)).toBe(reference(x));
  });
});
