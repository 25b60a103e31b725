import { mulberry32 } from '../core/rng.ts';
import type { AnyStrategyDefinition } from '../core/strategy/contract.ts';
import { CandidateSet } from './candidateSet.ts';
import { GuardAccumulator, type OverfittingGuard } from './overfitting.ts';
import type { TrialRunner } from './pool.ts';
import { candidateKey, gridPoint, randomCandidate, type Candidate } from './samplers.ts';
import { applyCandidate, type ParamValue, type ResolvedSpace } from './space.ts';
import { tpeBatch, type Observation } from './tpe.ts';
import type { TrialTask } from './trial.ts';
import { compareTrials, TopTrials } from './topTrials.ts';
import { objectiveOf, type Objective, type TrialMetrics } from './trialMetrics.ts';

/**
 * One parameter search over one window: candidates from the method (grid, seeded random, or
 * TPE), checked against the strategy's schema on this thread (a candidate that breaks a rule
 * tying two params together is skipped and counted, never run), run in batches on the
 * runner, ranked by the objective (ties: the earlier trial). Deterministic: the candidates
 * depend only on the seed and on results already in, and TPE's batches have a fixed size.
 *
 * Memory does not grow as trials run: each trial's record goes to `onTrial`
 * (the CLI streams it to --trials-out) and is then dropped; the search keeps only the `keep`
 * best (TopTrials), the best one's daily returns, the overfitting guard's running state
 * (GuardAccumulator: 160 bytes a trial, preallocated for the planned trials) and the tried
 * candidates' hashes (CandidateSet: 16 bytes a trial, preallocated). Only TPE keeps every
 * trial's candidate and objective, which its model is made of.
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
  /** How many of the best trials to keep, ranked (default 20). */
  readonly keep?: number;
}

export interface SearchHooks {
  readonly onProgress?: (done: number, total: number) => void;
  /** Every finished trial, in task order (the same order with 1 or N workers), daily returns included when asked for. */
  readonly onTrial?: (trial: TrialRecord) => void;
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
  /** Trials run (with or without metrics). */
  readonly evaluated: number;
  /** The `keep` best trials with metrics, best first (their daily returns dropped). */
  readonly ranked: readonly TrialRecord[];
  /** The best trial with an objective, with its daily returns when they were asked for. */
  readonly best: TrialRecord | null;
  /** The overfitting guard over every trial with daily returns (null when `daily` was off) and how many trials it covers. */
  readonly guard: OverfittingGuard | null;
  readonly guardTrials: number;
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
  return trials.filter((t) => t.metrics !== null).sort(compareTrials);
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
  hooks: SearchHooks = {},
): Promise<SearchResult> {
  const random = mulberry32(settings.seed);
  const total = settings.method === 'grid' ? space.gridSize : settings.trials;
  if (settings.method === 'grid' && space.gridSize > MAX_GRID) throw new Error(`the grid has ${space.gridSize} points (more than ${MAX_GRID}): use --method random or tpe`);
  let evaluated = 0;
  const top = new TopTrials(Math.max(1, settings.keep ?? 20));
  let best: TrialRecord | null = null;
  // Preallocated for the planned trials (up to 65,536: a huge grid grows them by doubling instead of reserving it all up front).
  const planned = Math.min(total, 65_536);
  const guard = settings.daily ? new GuardAccumulator(planned) : null;
  const tried = new CandidateSet(settings.method === 'grid' ? 0 : planned);
  // TPE's model is every observation so far; the other methods need none.
  const observations: Observation[] = [];
  let invalid = 0;
  const invalidReasons: string[] = [];

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
      tasks.push({ index: evaluated + tasks.length, params, from: window.from, to: window.to, daily: settings.daily });
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
      const record: TrialRecord = o.ok
        ? { index: o.index, candidate, metrics: o.metrics, objective: objectiveOf(o.metrics, settings.objective), daily: o.daily }
        : { index: o.index, candidate, metrics: null, objective: null, daily: null, error: o.reason };
      evaluated++;
      hooks.onTrial?.(record);
      if (settings.method === 'tpe') observations.push({ candidate, score: record.objective });
      if (record.metrics === null) return;
      if (guard && record.daily) guard.add(record.daily);
      if (record.objective !== null && (best === null || compareTrials(record, best) < 0)) best = record;
      top.offer(record.daily === null ? record : { ...record, daily: null });
    });
    hooks.onProgress?.(evaluated, total);
  };

  if (settings.method === 'grid') {
    for (let start = 0; start < space.gridSize; start += BATCH) {
      const batch: Candidate[] = [];
      for (let i = start; i < Math.min(space.gridSize, start + BATCH); i++) batch.push(gridPoint(space, i));
      await runBatch(batch);
    }
  } else if (settings.method === 'random') {
    let misses = 0;
    while (evaluated < settings.trials && misses < 1000) {
      const batch: Candidate[] = [];
      const want = Math.min(BATCH, settings.trials - evaluated);
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
      const before = evaluated;
      await runBatch(batch);
      // A space whose remaining points the schema refuses: stop instead of drawing for ever.
      if (evaluated === before) misses += batch.length;
    }
  } else {
    const size = settings.tpeBatch ?? 8;
    let stalled = 0;
    while (evaluated < settings.trials && stalled < 50) {
      const batch = tpeBatch(space, observations, Math.min(size, settings.trials - evaluated), random, tried);
      if (batch.length === 0) break;
      const before = evaluated;
      await runBatch(batch);
      stalled = evaluated === before ? stalled + 1 : 0;
    }
  }
  const chosen = best as TrialRecord | null;
  return {
    evaluated,
    ranked: top.sorted(),
    best: chosen,
    guard: guard ? guard.result(chosen?.daily ?? null) : null,
    guardTrials: guard?.trials ?? 0,
    invalid,
    invalidReasons,
  };
}
