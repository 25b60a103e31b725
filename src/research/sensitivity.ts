import type { TrialRunner } from './pool.ts';
import type { Candidate } from './samplers.ts';
import { applyCandidate, type ParamValue, type ResolvedSpace } from './space.ts';
import type { AnyStrategyDefinition } from '../core/strategy/contract.ts';
import { objectiveOf, type Objective } from './trialMetrics.ts';

/**
 * Parameter sensitivity around the best point: one parameter moved at a time, the others
 * kept, the objective measured again on the same window. Grid parameters move one and two
 * steps either way, continuous ones 10 % and 20 % of their range, choices take each other
 * value. A robust optimum changes little around it; a sharp peak is a warning sign.
 */
export interface SensitivityPoint {
  readonly value: ParamValue;
  /** Steps (grid), fraction of the range (continuous) or 0 for another choice; 0 and `best` for the best point itself. */
  readonly offset: number;
  readonly objective: number | null;
  readonly trades: number | null;
  /** Why the point was not run (the schema refused the combination). */
  readonly invalid?: string;
}

export interface SensitivityRow {
  readonly key: string;
  readonly best: ParamValue;
  readonly points: readonly SensitivityPoint[];
}

function neighbours(space: ResolvedSpace, best: Candidate, d: number): { value: ParamValue; offset: number }[] {
  const dim = space.dimensions[d]!;
  const value = best[d]!;
  if (dim.kind === 'choice') return dim.values.filter((v) => v !== value).map((v) => ({ value: v, offset: 0 }));
  if (dim.kind === 'grid') {
    const i = dim.values.indexOf(value);
    return [-2, -1, 1, 2].filter((k) => i + k >= 0 && i + k < dim.values.length).map((k) => ({ value: dim.values[i + k]!, offset: k }));
  }
  const x = value as number;
  const span = dim.max - dim.min;
  return [-0.2, -0.1, 0.1, 0.2]
    .map((f) => ({ value: Number(Math.min(dim.max, Math.max(dim.min, x + f * span)).toPrecision(8)), offset: f }))
    .filter((p, i, all) => p.value !== x && all.findIndex((q) => q.value === p.value) === i);
}

export async function sensitivity(
  space: ResolvedSpace,
  base: Readonly<Record<string, unknown>>,
  def: AnyStrategyDefinition,
  best: { readonly candidate: Candidate; readonly objective: number | null; readonly trades: number },
  runner: TrialRunner,
  window: { readonly from: number; readonly to: number },
  objective: Objective,
): Promise<SensitivityRow[]> {
  const plan: { d: number; value: ParamValue; offset: number; params: Record<string, unknown>; invalid?: string }[] = [];
  space.dimensions.forEach((_, d) => {
    for (const n of neighbours(space, best.candidate, d)) {
      const candidate = best.candidate.map((v, i) => (i === d ? n.value : v));
      const params = applyCandidate(base, space, candidate);
      const parsed = def.paramsSchema.safeParse(params);
      plan.push({ d, ...n, params, ...(parsed.success ? {} : { invalid: parsed.error.issues.map((i) => i.message).join('; ') }) });
    }
  });
  const runnable = plan.filter((p) => p.invalid === undefined);
  const outcomes = await runner.run(runnable.map((p, i) => ({ index: i, params: p.params, from: window.from, to: window.to, daily: false })));
  const byPlan = new Map(runnable.map((p, i) => [p, outcomes[i]!]));
  return space.dimensions.map((dim, d) => {
    const points: SensitivityPoint[] = plan
      .filter((p) => p.d === d)
      .map((p) => {
        const o = byPlan.get(p);
        if (!o) return { value: p.value, offset: p.offset, objective: null, trades: null, invalid: p.invalid ?? 'not run' };
        return o.ok ? { value: p.value, offset: p.offset, objective: objectiveOf(o.metrics, objective), trades: o.metrics.trades } : { value: p.value, offset: p.offset, objective: null, trades: null, invalid: o.reason };
      });
    points.push({ value: best.candidate[d]!, offset: 0, objective: best.objective, trades: best.trades });
    points.sort((a, b) => a.offset - b.offset || (a.value === best.candidate[d] ? 0 : 1) - (b.value === best.candidate[d] ? 0 : 1));
    return { key: dim.key, best: best.candidate[d]!, points };
  });
}
