/**
 * A parameter search space (`npm run optimize`, backlog D1.2): per parameter (a dotted path
 * into a preset's params, e.g. `bbPeriod` or `confluence.minScore`), either numbers from
 * `min` to `max` (on the grid of `step` when given, else continuous; `scale: log` samples
 * evenly in the logarithm) or a list of `values`. Every strategy declares a default space
 * next to its params schema; a `--space` file replaces it. Plain data: it crosses worker
 * threads and YAML files as it is.
 */
export interface NumericDimension {
  readonly min: number;
  readonly max: number;
  readonly step?: number;
  readonly scale?: 'linear' | 'log';
}

export interface ChoiceDimension {
  readonly values: readonly (string | number | boolean)[];
}

export type SpaceDimension = NumericDimension | ChoiceDimension;

export type SearchSpace = Readonly<Record<string, SpaceDimension>>;

export function isChoice(d: SpaceDimension): d is ChoiceDimension {
  return 'values' in d;
}
