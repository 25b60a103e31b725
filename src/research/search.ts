import { mulberry32 } from '../core/rng.ts';
import type { AnyStrategyDefinition } from '../core/strategy/contract.ts';
import type { TrialRunner } from './pool.ts';
import { candidateKey, gridPoint, randomCandidate, type Candidate } from './samplers.ts';
import { applyCandidate, type ParamValue, type ResolvedSpace } from './space.ts';
import { tpeBatch, type Observation } from './tpe.ts';
import type { TrialTask } from './trial.ts';
import { objectiveOf, type Objective, type TrialMetrics } from './trialMetrics.ts';

/**
 * One parameter search over one window: candidates from the method (grid, seeded random, or
 * TPE), checked against the strategy's schema on this thread (a candidate that breaks a rule
 * tying two params together is skipped and counted, never run), run in batches on the
 * runner, ranked by the objective (ties: the earlier trial). Deterministic: the candidates
 * depend only on the seed and on results already in, and TPE's batches have a fixed size.
 */
export const SEARCH_METHODS = ['grid', 'random', 'tpe'] as const;
export type SearchMethod = (typeof SEARCH_METHODS)[number];

export interface SearchSettings {
  readonly method: SearchMethod;
  /** Trials to run (random, tpe); the grid runs every valid point. */
  readonly trials: number;
  readonly seed: number;
  readonly objective: Objective;
  /** Keep each trial's daily returns (the overfitting guard needs them). */
  readonly daily: boolean;
  /** TPE batch size (fixed, so results do not depend on the worker count). */
  readonly tpeBatch?: number;
}

export interface TrialRecord {
  readonly index: number;
  readonly candidate: Candidate;
  readonly metrics: TrialMetrics | null;
  readonly objective: number | null;
  readonly daily: Float32Array | null;
  /** Why the engine refused the params (never for a schema-checked candidate, kept for safety). */
  readonly error?: string;
}

export interface SearchResult {
  readonly trials: readonly TrialRecord[];
  /** Trials with metrics, best first. */
  readonly ranked: readonly TrialRecord[];
  readonly best: TrialRecord | null;
  /** Candidates the schema refused (e.g. adxRanging not below adxMax) and a few of the reasons. */
  readonly invalid: number;
  readonly invalidReasons: readonly string[];
}

export interface SearchWindow {
  readonly from: number;
  readonly to: number;
}

const BATCH = 64;
const MAX_GRID = 1_000_000;

export function rankTrials(trials: readonly TrialRecord[]): TrialRecord[] {
  return trials
    .filter((t) => t.metrics !== null)
    .sort((a, b) => (b.objective ?? -Infinity) - (a.objective ?? -Infinity) || (a.objective === null ? 1 : 0) - (b.objective === null ? 1 : 0) || a.index - b.index);
}

/** The candidate's values by parameter path, for tables and files. */
export function paramsOf(space: ResolvedSpace, candidate: Candidate): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  space.dimensions.forEach((d, i) => {
    out[d.key] = candidate[i]!;
  });
  return out;
}

export async function search(
  space: ResolvedSpace,
  base: Readonly<Record<string, unknown>>,
  def: AnyStrategyDefinition,
  runner: TrialRunner,
  window: SearchWindow,
  settings: SearchSettings,
  onProgress?: (done: number, total: number) => void,
): Promise<SearchResult> {
  const random = mulberry32(settings.seed);
  const trials: TrialRecord[] = [];
  const tried = new Set<string>();
  let invalid = 0;
  const invalidReasons: string[] = [];
  const total = settings.method === 'grid' ? space.gridSize : settings.trials;
  if (settings.method === 'grid' && space.gridSize > MAX_GRID) throw new Error(`the grid has ${space.gridSize} points (more than ${MAX_GRID}): use --method random or tpe`);

  /** Schema-checks candidates; returns the valid ones as tasks. */
  const admit = (candidates: readonly Candidate[]): { tasks: TrialTask[]; admitted: Candidate[] } => {
    const tasks: TrialTask[] = [];
    const admitted: Candidate[] = [];
    for (const c of candidates) {
      const params = applyCandidate(base, space, c);
      const parsed = def.paramsSchema.safeParse(params);
      if (!parsed.success) {
        invalid++;
        if (invalidReasons.length < 5) invalidReasons.push(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        continue;
      }
      tasks.push({ index: trials.length + tasks.length, params, from: window.from, to: window.to, daily: settings.daily });
      admitted.push(c);
    }
    return { tasks, admitted };
  };

  const runBatch = async (candidates: readonly Candidate[]): Promise<void> => {
    const { tasks, admitted } = admit(candidates);
    if (tasks.length === 0) return;
    const outcomes = await runner.run(tasks);
    outcomes.forEach((o, i) => {
      const candidate = admitted[i]!;
      if (o.ok) trials.push({ index: o.index, candidate, metrics: o.metrics, objective: objectiveOf(o.metrics, settings.objective), daily: o.daily });
      else trials.push({ index: o.index, candidate, metrics: null, objective: null, daily: null, error: o.reason });
    });
    onProgress?.(trials.length, total);
  };

  if (settings.method === 'grid') {
    for (let start = 0; start < space.gridSize; start += BATCH) {
      const batch: Candidate[] = [];
      for (let i = start; i < Math.min(space.gridSize, start + BATCH); i++) batch.push(gridPoint(space, i));
      await runBatch(batch);
    }
  } else if (settings.method === 'random') {
    let misses = 0;
    while (trials.length < settings.trials && misses < 1000) {
      const batch: Candidate[] = [];
      const want = Math.min(BATCH, settings.trials - trials.length);
      while (batch.length < want && misses < 1000) {
        const c = randomCandidate(space, random);
        const key = candidateKey(c);
        if (tried.has(key)) {
          misses++;
          continue;
        }
        tried.add(key);
        batch.push(c);
      }
      const before = trials.length;
      await runBatch(batch);
      // A space whose remaining points the schema refuses: stop instead of drawing for ever.
      if (trials.length === before) misses += batch.length;
    }
  } else {
    const size = settings.tpeBatch ?? 8;
    let stalled = 0;
    while (trials.length < settings.trials && stalled < 50) {
      const history: Observation[] = trials.map((t) => ({ candidate: t.candidate, score: t.objective }));
      const batch = tpeBatch(space, history, Math.min(size, settings.trials - trials.length), random, tried);
      if (batch.length === 0) break;
      const before = trials.length;
      await runBatch(batch);
      stalled = trials.length === before ? stalled + 1 : 0;
    }
  }
  const ranked = rankTrials(trials);
  const best = ranked.find((t) => t.objective !== null) ?? null;
  return { trials, ranked, best, invalid, invalidReasons };
}
