import { describe, expect, it } from 'vitest';
import { getStrategy, STRATEGIES, strategyTypes } from '../../../src/core/strategy/registry.ts';

describe('strategy registry', () => {
  it('lists the three strategies by type, once each', () => {
    expect(strategyTypes()).toEqual(['range', 'multiTimeframe', 'volumeVwap']);
    for (const type of strategyTypes()) expect(getStrategy(type)?.type).toBe(type);
    expect(getStrategy('nope')).toBeUndefined();
    expect(STRATEGIES.size).toBe(3);
  });

  it('every strategy names exactly three distinct factors and parses an empty params object', () => {
    for (const def of STRATEGIES.values()) {
      expect(new Set(def.factorNames).size).toBe(3);
      expect(def.paramsSchema.safeParse({}).success).toBe(true);
      expect(def.description.length).toBeGreaterThan(10);
    }
  });
});
