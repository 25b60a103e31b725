import type { Random } from '../core/rng.ts';
import type { Dimension, ParamValue, ResolvedSpace } from './space.ts';

/**
 * Candidate generation: a candidate is one value per dimension, in the space's order.
 * Everything here is seeded (the caller's Random), so the same seed gives the same
 * candidates in the same order.
 */
export type Candidate = readonly ParamValue[];

export const candidateKey = (c: Candidate): string => JSON.stringify(c);

/** The i-th point of the grid (mixed radix, the last dimension fastest). */
export function gridPoint(space: ResolvedSpace, i: number): Candidate {
  const out: ParamValue[] = new Array(space.dimensions.length);
  let rest = i;
  for (let d = space.dimensions.length - 1; d >= 0; d--) {
    const values = space.dimensions[d]!.values;
    out[d] = values[rest % values.length]!;
    rest = Math.floor(rest / values.length);
  }
  return out;
}

/** Continuous values keep 8 significant digits: the preset file stays readable, the search loses nothing. */
const tidy = (x: number): number => Number(x.toPrecision(8));

/** A value of `d` at unit position u in [0, 1) (grid and choice: the value whose cell holds u). */
export function valueAt(d: Dimension, u: number): ParamValue {
  if (d.kind !== 'continuous') return d.values[Math.min(d.values.length - 1, Math.max(0, Math.floor(u * d.values.length)))]!;
  if (d.max === d.min) return d.min;
  return tidy(d.log ? Math.exp(Math.log(d.min) + u * (Math.log(d.max) - Math.log(d.min))) : d.min + u * (d.max - d.min));
}

/** Unit position of a value of `d` (the centre of its cell for grid and choice values). */
export function unitOf(d: Dimension, v: ParamValue): number {
  if (d.kind !== 'continuous') {
    const i = Math.max(0, d.values.indexOf(v));
    return (i + 0.5) / d.values.length;
  }
  const x = v as number;
  if (d.max === d.min) return 0.5;
  const u = d.log ? (Math.log(x) - Math.log(d.min)) / (Math.log(d.max) - Math.log(d.min)) : (x - d.min) / (d.max - d.min);
  return Math.min(1, Math.max(0, u));
}

export function randomCandidate(space: ResolvedSpace, random: Random): Candidate {
  return space.dimensions.map((d) => valueAt(d, random()));
}
