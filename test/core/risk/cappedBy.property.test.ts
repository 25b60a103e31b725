import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAP_NAMES, cappedBy } from '../../../src/core/risk/sizing.ts';

/** The map/filter/sort chain cappedBy replaced (a stable sort, ties in CAP_NAMES order). */
function reference(capQty: readonly number[], riskQty: number): string[] {
  return CAP_NAMES.map((name, i) => ({ name, qty: capQty[i]! }))
    .filter((c) => c.qty < riskQty)
    .sort((a, b) => a.qty - b.qty)
    .map((c) => c.name);
}

describe('cappedBy', () => {
  it('names the caps below the risk size, tightest first, ties in CAP_NAMES order: as the sorted chain did', () => {
    // Few distinct values, so ties are common; infinities and NaN included.
    const qty = fc.oneof(fc.constantFrom(0, 1, 2, 3, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN), fc.double({ min: 0, max: 10, noNaN: true }));
    fc.assert(
      fc.property(fc.array(qty, { minLength: 5, maxLength: 5 }), qty, (caps, risk) => {
        expect(cappedBy(caps, risk)).toEqual(reference(caps, risk));
      }),
      { numRuns: 5000 },
    );
  });
});
