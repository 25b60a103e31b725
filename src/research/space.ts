import { readFileSync } from 'node:fs';
import { parseYaml } from '../yaml.ts';
import { z } from 'zod';
import type { AnyStrategyDefinition } from '../core/strategy/contract.ts';
import { isChoice, type SearchSpace } from '../core/strategy/searchSpace.ts';
import { ResearchInputError } from '../domain/errors.ts';

/**
 * Search spaces of `npm run optimize`: read from a `--space` file (YAML or JSON) or the
 * strategy's declared default, checked against the strategy's own zod params schema, and
 * resolved into dimensions the samplers draw from. A file is
 *
 *   strategy: range              # optional; must match the preset's type
 *   params:
 *     bbPeriod: { min: 10, max: 50, step: 2 }
 *     bbStdDev: { min: 1.5, max: 3 }           # continuous (grid: 5 points)
 *     target: { values: [middle, opposite] }
 *     confluence.minScore: { min: 0.3, max: 0.7, step: 0.05 }
 */

const Numeric = z
  .strictObject({ min: z.number(), max: z.number(), step: z.number().positive().optional(), scale: z.enum(['linear', 'log']).optional() })
  .refine((d) => d.max >= d.min, { message: 'max must not be below min' })
  .refine((d) => d.scale !== 'log' || d.min > 0, { message: 'a log scale needs min > 0' });
const Choice = z.strictObject({ values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1) });
const Dimension = z.union([Choice, Numeric]);
const SpaceFile = z.strictObject({ strategy: z.string().optional(), params: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/), Dimension) });

/** Grid points of a continuous dimension. */
export const CONTINUOUS_GRID_POINTS = 5;

export type ParamValue = string | number | boolean;

/** One resolved dimension: `values` are its grid (numbers on the step, or the choices); continuous ones also sample between. */
export interface Dimension {
  readonly key: string;
  readonly path: readonly string[];
  readonly kind: 'grid' | 'continuous' | 'choice';
  readonly values: readonly ParamValue[];
  readonly min: number;
  readonly max: number;
  readonly log: boolean;
}

export interface ResolvedSpace {
  readonly dimensions: readonly Dimension[];
  /** Number of grid points (product of the dimensions' values). */
  readonly gridSize: number;
}

/** min + k x step, rounded to 10 decimals so 0.1 + 0.2 does not make a new grid point. */
function gridOf(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  for (let k = 0; min + k * step <= max + 1e-9 && out.length < 100_000; k++) out.push(Number((min + k * step).toFixed(10)));
  return out;
}

function evenly(min: number, max: number, n: number, log: boolean): number[] {
  if (max === min) return [min];
  return Array.from({ length: n }, (_, i) => {
    const u = i / (n - 1);
    return Number((log ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))) : min + u * (max - min)).toFixed(10));
  });
}

/** Sets a dotted path in a copy of `params` (objects on the way are copied, created when absent). */
export function withValue(params: Readonly<Record<string, unknown>>, path: readonly string[], value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  let node = out;
  for (let i = 0; i < path.length - 1; i++) {
    const next = node[path[i]!];
    const copy = typeof next === 'object' && next !== null ? { ...(next as Record<string, unknown>) } : {};
    node[path[i]!] = copy;
    node = copy;
  }
  node[path[path.length - 1]!] = value;
  return out;
}

/** Applies every dimension's value of a candidate to the base params. */
export function applyCandidate(base: Readonly<Record<string, unknown>>, space: ResolvedSpace, values: readonly ParamValue[]): Record<string, unknown> {
  let out: Record<string, unknown> = { ...base };
  space.dimensions.forEach((d, i) => {
    out = withValue(out, d.path, values[i]);
  });
  return out;
}

/**
 * Checks each dimension against the strategy's schema (its bounds, integers, choices): the
 * base params with one value of the dimension substituted must parse, except for rules
 * that tie two parameters together (those are checked per trial, and a trial that breaks
 * one is skipped as invalid). Problems name the parameter and the value.
 */
export function resolveSpace(space: SearchSpace, def: AnyStrategyDefinition, base: Readonly<Record<string, unknown>>): ResolvedSpace {
  const problems: string[] = [];
  const dimensions: Dimension[] = [];
  for (const [key, dim] of Object.entries(space)) {
    const path = key.split('.');
    let resolved: Dimension;
    if (isChoice(dim)) {
      resolved = { key, path, kind: 'choice', values: [...dim.values], min: 0, max: dim.values.length - 1, log: false };
    } else {
      const log = dim.scale === 'log';
      const values = dim.step !== undefined ? gridOf(dim.min, dim.max, dim.step) : evenly(dim.min, dim.max, CONTINUOUS_GRID_POINTS, log);
      resolved = { key, path, kind: dim.step !== undefined ? 'grid' : 'continuous', values, min: dim.min, max: dim.max, log };
    }
    // The bounds, plus one value off the integers when the grid (a fractional step) or a continuous range makes them.
    const between = resolved.kind === 'continuous' ? [(resolved.min + resolved.max) / 2 + 1e-3 * (resolved.max - resolved.min)] : resolved.values.filter((v) => !Number.isInteger(v)).slice(0, 1);
    const probes: ParamValue[] = resolved.kind === 'choice' ? [...resolved.values] : [resolved.min, resolved.max, ...(Number.isInteger(resolved.min) && Number.isInteger(resolved.max) ? between : [])];
    for (const value of probes) {
      const parsed = def.paramsSchema.safeParse(withValue(base, path, value));
      if (parsed.success) continue;
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          const bad = issue.keys.filter((k) => k === path[issue.path.length]);
          if (bad.length > 0) problems.push(`${key}: not a parameter of ${def.type}${issue.path.length > 0 ? ` (${issue.path.join('.')})` : ''}`);
          continue;
        }
        if (issue.code === 'custom' || issue.path.join('.') !== key) continue;
        problems.push(`${key}: value ${JSON.stringify(value)}: ${issue.message}${resolved.kind === 'continuous' ? ' (an integer parameter needs a step)' : ''}`);
      }
    }
    dimensions.push(resolved);
  }
  if (dimensions.length === 0) problems.push(`the search space of ${def.type} is empty`);
  const unique = [...new Set(problems)];
  if (unique.length > 0) throw new ResearchInputError(unique);
  const gridSize = dimensions.reduce((n, d) => n * d.values.length, 1);
  return { dimensions, gridSize };
}

/** Reads a --space file; `type` is the preset's strategy (a file naming another one is refused). */
export function readSpaceFile(file: string, type: string): SearchSpace {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ResearchInputError([`--space ${file}: cannot read (${error instanceof Error ? error.message : String(error)})`]);
  }
  const parsed = SpaceFile.safeParse(raw);
  if (!parsed.success) throw new ResearchInputError(parsed.error.issues.map((i) => `--space ${file}: ${i.path.join('.') || '(file)'}: ${i.message}`));
  if (parsed.data.strategy !== undefined && parsed.data.strategy !== type) {
    throw new ResearchInputError([`--space ${file}: written for strategy ${parsed.data.strategy}, the preset is ${type}`]);
  }
  return parsed.data.params;
}

/** The search space of a run: the file's, else the strategy's default. */
export function spaceFor(def: AnyStrategyDefinition, file: string | undefined): SearchSpace {
  if (file !== undefined) return readSpaceFile(file, def.type);
  if (!def.searchSpace) throw new ResearchInputError([`strategy ${def.type} declares no default search space: give --space FILE`]);
  return def.searchSpace;
}
