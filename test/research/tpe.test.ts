import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/rng.ts';
import { STRATEGIES } from '../../src/core/strategy/registry.ts';
import { candidateKey, randomCandidate } from '../../src/research/samplers.ts';
import { resolveSpace } from '../../src/research/space.ts';
import { tpeBatch, type Observation } from '../../src/research/tpe.ts';

const range = STRATEGIES.get('range')!;
const space = resolveSpace({ bbPeriod: { min: 10, max: 50, step: 1 }, bbStdDev: { min: 1, max: 4 }, target: { values: ['middle', 'opposite'] } }, range, range.paramsSchema.parse({}) as Record<string, unknown>);
/** A smooth objective with its peak at bbPeriod 37, bbStdDev 3.1, target opposite. */
const objective = (c: readonly (string | number | boolean)[]) => -(((c[0] as number) - 37) ** 2) / 100 - ((c[1] as number) - 3.1) ** 2 - (c[2] === 'opposite' ? 0 : 0.5);

function best(method: 'tpe' | 'random', seed: number, trials: number): number {
  const random = mulberry32(seed);
  const tried = new Set<string>();
  const history: Observation[] = [];
  while (history.length < trials) {
    const batch = method === 'tpe' ? tpeBatch(space, history, 4, random, tried) : [randomCandidate(space, random)];
    for (const c of batch) {
      tried.add(candidateKey(c));
      history.push({ candidate: c, score: objective(c) });
    }
  }
  return Math.max(...history.map((h) => h.score!));
}

describe('TPE sampler', () => {
  it('finds a better point than random search with the same budget on most seeds', () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const wins = seeds.filter((s) => best('tpe', s, 60) > best('random', s, 60)).length;
    expect(wins).toBeGreaterThanOrEqual(6);
  });

  it('never suggests a point twice and is deterministic for a seed', () => {
    const run = () => {
      const random = mulberry32(3);
      const tried = new Set<string>();
      const history: Observation[] = [];
      for (let round = 0; round < 10; round++) for (const c of tpeBatch(space, history, 8, random, tried)) history.push({ candidate: c, score: objective(c) });
      return history.map((h) => candidateKey(h.candidate));
    };
    const a = run();
    expect(new Set(a).size).toBe(a.length);
    expect(run()).toEqual(a);
  });
});
