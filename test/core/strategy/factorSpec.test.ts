import { describe, expect, it } from 'vitest';
import { factorRecord, type FactorSpec } from '../../../src/core/strategy/decision.ts';
import { MTF_FACTORS } from '../../../src/core/strategy/multiTimeframe.ts';
import { RANGE_FACTORS } from '../../../src/core/strategy/range.ts';
import { VWAP_FACTORS } from '../../../src/core/strategy/volumeVwap.ts';

const SPECS: Record<string, FactorSpec> = { range: RANGE_FACTORS, multiTimeframe: MTF_FACTORS, volumeVwap: VWAP_FACTORS };

describe('FactorSpec.record', () => {
  for (const [type, spec] of Object.entries(SPECS)) {
    it(`${type}: the literal's keys are the spec's names, in order, each with its own value`, () => {
      const r = spec.record(0.1, 0.2, 0.3);
      expect(Object.keys(r)).toEqual([...spec.names]);
      expect(spec.names.map((n) => r[n])).toEqual([0.1, 0.2, 0.3]);
    });

    it(`${type}: factorRecord clamps to [0, 1] and reads a non-finite factor as 0`, () => {
      const r = factorRecord(spec, [1.5, Number.NaN, -0.2]);
      expect(Object.entries(r)).toEqual([
        [spec.names[0], 1],
        [spec.names[1], 0],
        [spec.names[2], 0],
      ]);
    });
  }
});
