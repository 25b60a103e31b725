import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../src/core/strategy/registry.ts';
import { ResearchInputError } from '../../src/domain/errors.ts';
import { gridPoint } from '../../src/research/samplers.ts';
import { applyCandidate, readSpaceFile, resolveSpace, spaceFor } from '../../src/research/space.ts';

const range = STRATEGIES.get('range')!;
const base = (type: string, extra: Record<string, unknown> = {}) => STRATEGIES.get(type)!.paramsSchema.parse({ interval: '60', ...(type === 'multiTimeframe' ? { higherTimeframeMinutes: 240 } : {}), ...extra }) as Record<string, unknown>;

function problems(f: () => unknown): readonly string[] {
  try {
    f();
  } catch (error) {
    if (error instanceof ResearchInputError) return error.problems;
    throw error;
  }
  return [];
}

describe('search spaces', () => {
  it.each([...STRATEGIES.keys()])('%s declares a default space its own schema accepts on 1-hour candles', (type) => {
    const def = STRATEGIES.get(type)!;
    const space = resolveSpace(def.searchSpace!, def, base(type));
    expect(space.dimensions.length).toBeGreaterThanOrEqual(5);
    expect(space.gridSize).toBeGreaterThan(1000);
  });

  it('resolves grids, continuous ranges (5 grid points) and choices, and applies dotted paths', () => {
    const space = resolveSpace({ bbPeriod: { min: 10, max: 20, step: 5 }, bbStdDev: { min: 1.5, max: 2.5 }, target: { values: ['middle', 'opposite'] }, 'confluence.minScore': { min: 0.3, max: 0.5, step: 0.1 } }, range, base('range'));
    expect(space.dimensions.map((d) => [d.key, d.kind, d.values])).toEqual([
      ['bbPeriod', 'grid', [10, 15, 20]],
      ['bbStdDev', 'continuous', [1.5, 1.75, 2, 2.25, 2.5]],
      ['target', 'choice', ['middle', 'opposite']],
      ['confluence.minScore', 'grid', [0.3, 0.4, 0.5]],
    ]);
    expect(space.gridSize).toBe(3 * 5 * 2 * 3);
    const params = applyCandidate(base('range'), space, gridPoint(space, space.gridSize - 1));
    expect(params).toMatchObject({ bbPeriod: 20, bbStdDev: 2.5, target: 'opposite', confluence: { minScore: 0.5 } });
    expect(range.paramsSchema.safeParse(params).success).toBe(true);
  });

  it('names every problem: unknown parameters, values out of the schema bounds, integers without a step', () => {
    const found = problems(() =>
      resolveSpace({ bbPeriodz: { min: 1, max: 2, step: 1 }, bbStdDev: { min: 0.1, max: 9, step: 0.1 }, bbPeriod: { min: 10, max: 30 }, 'confluence.weights.speed': { min: 0, max: 1, step: 0.5 } }, range, base('range')),
    );
    expect(found).toEqual([
      'bbPeriodz: not a parameter of range',
      expect.stringMatching(/^bbStdDev: value 0\.1: .*>=0\.5/),
      expect.stringMatching(/^bbStdDev: value 9: .*<=5/),
      expect.stringMatching(/^bbPeriod: value 20\.02: .*expected int.*\(an integer parameter needs a step\)/),
      'confluence.weights.speed: not a parameter of range (confluence.weights)',
    ]);
  });

  it('reads YAML and JSON files, refuses malformed ones and ones written for another strategy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-space-'));
    const yaml = join(dir, 's.yaml');
    writeFileSync(yaml, 'strategy: range\nparams:\n  bbPeriod: { min: 10, max: 20, step: 2 }\n  target: { values: [middle] }\n');
    expect(spaceFor(range, yaml)).toEqual({ bbPeriod: { min: 10, max: 20, step: 2 }, target: { values: ['middle'] } });
    const json = join(dir, 's.json');
    writeFileSync(json, JSON.stringify({ params: { adxMax: { min: 40, max: 30 } } }));
    expect(problems(() => readSpaceFile(json, 'range'))).toEqual([expect.stringMatching(/params\.adxMax: max must not be below min/)]);
    expect(problems(() => readSpaceFile(yaml, 'volumeVwap'))).toEqual([expect.stringMatching(/written for strategy range, the preset is volumeVwap/)]);
    expect(problems(() => readSpaceFile(join(dir, 'missing.yaml'), 'range'))).toEqual([expect.stringMatching(/cannot read/)]);
    expect(spaceFor(range, undefined)).toBe(range.searchSpace);
  });
});
