import { performance } from 'node:perf_hooks';
import { DAY_MS } from '../core/data/utcTime.ts';
import { iso } from '../backtest/metrics/time.ts';
import type { TrialRunner } from './pool.ts';
import { paramsOf, search, type SearchHooks, type SearchMethod, type SearchResult, type TrialRecord } from './search.ts';
import { sensitivity, type SensitivityRow } from './sensitivity.ts';
import { applyCandidate, type ResolvedSpace } from './space.ts';
import { regimeFigures } from '../backtest/metrics/regimes.ts';
import { definitionOf, runWithParams, type TrialContext } from './trial.ts';
import { trialLine, type TrialLine } from './trialLog.ts';
import { objectiveOf, type Objective, type TrialMetrics } from './trialMetrics.ts';
import { guardSummary, type ChosenRegimes, type OptimizeReport, type RankedRow, type Scored, type SingleResult, type WalkForwardResult, type WindowRow } from './optimizeTypes.ts';
import { stitch, walkWindows, type TestSpan, type WalkForwardSpec } from './walkForward.ts';

/**
 * `npm run optimize`: one search over the period (optionally holding out its end), or a
 * walk-forward of searches; the overfitting guard of each search; sensitivity around the
 * chosen point. Everything runs on the given runner (inline or worker threads) and is
 * deterministic for a seed.
 */
export interface OptimizeSettings {
  readonly method: SearchMethod;
  readonly trials: number;
  readonly seed: number;
  readonly objective: Objective;
  readonly walkForward: WalkForwardSpec | null;
  /** Percent of the period held out at its end (single mode): the top rows are run on it. */
  readonly holdoutPct: number;
  /** Rows of the ranked table (and trials run on the holdout). */
  readonly top: number;
  readonly sensitivity: boolean;
}

export interface OptimizeHooks {
  readonly onProgress?: (done: number, total: number) => void;
  readonly onWindow?: (index: number, count: number) => void;
  /** Every trial of every search as it finishes (the CLI streams them to --trials-out). */
  readonly onTrial?: (line: TrialLine) => void;
}

const scored = (m: TrialMetrics, o: Objective): Scored => ({ ...m, objective: objectiveOf(m, o) });
const mean = (xs: readonly number[]): number | null => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

function guardOf(result: SearchResult): ReturnType<typeof guardSummary> {
  return guardSummary(result.guard ?? { pbo: null, dsr: null, warnings: [] }, result.guardTrials);
}

/** The search's hooks: progress as given, each trial turned into its trials-file line (tagged with its walk-forward window). */
function searchHooks(space: ResolvedSpace, hooks: OptimizeHooks, window: number | null): SearchHooks {
  const onTrial = hooks.onTrial;
  return { ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}), ...(onTrial ? { onTrial: (t: TrialRecord) => onTrial(trialLine(space, window, t)) } : {}) };
}

async function single(ctx: TrialContext, space: ResolvedSpace, base: Readonly<Record<string, unknown>>, runner: TrialRunner, from: number, to: number, s: OptimizeSettings, hooks: OptimizeHooks) {
  const def = definitionOf(ctx);
  const split = s.holdoutPct > 0 ? from + Math.round(((to - from) * (1 - s.holdoutPct / 100)) / DAY_MS) * DAY_MS : to;
  const result = await search(space, base, def, runner, { from, to: split }, { method: s.method, trials: s.trials, seed: s.seed, objective: s.objective, daily: true, keep: s.top }, searchHooks(space, hooks, null));
  const top = result.ranked.slice(0, s.top);
  let oos: (Scored | null)[] = top.map(() => null);
  if (split < to && top.length > 0) {
    const outcomes = await runner.run(top.map((t, i) => ({ index: i, params: paramsFor(space, base, t), from: split, to, daily: false })));
    oos = outcomes.map((o) => (o.ok ? scored(o.metrics, s.objective) : null));
  }
  const rows: RankedRow[] = top.map((t, i) => ({ rank: i + 1, trial: t.index, params: paramsOf(space, t.candidate), inSample: scored(t.metrics!, s.objective), outOfSample: oos[i] ?? null }));
  const bestRow = result.best ? (rows.find((r) => r.trial === result.best!.index) ?? null) : null;
  const out: SingleResult = {
    inSample: { from: iso(from), to: iso(split) },
    outOfSample: split < to ? { from: iso(split), to: iso(to) } : null,
    evaluated: result.evaluated,
    invalid: result.invalid,
    invalidReasons: result.invalidReasons,
    ranked: rows,
    best: bestRow,
    guard: guardOf(result),
  };
  return { out, best: result.best, window: { from, to: split }, trialsRun: result.evaluated };
}

function paramsFor(space: ResolvedSpace, base: Readonly<Record<string, unknown>>, t: TrialRecord): Record<string, unknown> {
  return applyCandidate(base, space, t.candidate);
}

async function walk(ctx: TrialContext, space: ResolvedSpace, base: Readonly<Record<string, unknown>>, runner: TrialRunner, from: number, to: number, s: OptimizeSettings, spec: WalkForwardSpec, hooks: OptimizeHooks) {
  const def = definitionOf(ctx);
  const windows = walkWindows(from, to, spec);
  if (windows.length === 0) throw new Error(`--walk-forward: no window fits between ${iso(from)} and ${iso(to)} (train + test is ${(spec.trainMs + spec.testMs) / DAY_MS} days)`);
  const rows: WindowRow[] = [];
  const spans: TestSpan[] = [];
  let last: { best: TrialRecord | null; window: { from: number; to: number } } = { best: null, window: { from, to } };
  let trialsRun = 0;
  for (const w of windows) {
    hooks.onWindow?.(w.index, windows.length);
    // The window's own seed: windows do not share a random stream, so each is reproducible alone.
    const result = await search(space, base, def, runner, { from: w.trainFrom, to: w.trainTo }, { method: s.method, trials: s.trials, seed: s.seed + w.index, objective: s.objective, daily: true, keep: 1 }, searchHooks(space, hooks, w.index));
    trialsRun += result.evaluated;
    let oos: Scored | null = null;
    if (result.best) {
      const [o] = await runner.run([{ index: 0, params: paramsFor(space, base, result.best), from: w.testFrom, to: w.testTo, daily: true }]);
      if (o?.ok) {
        oos = scored(o.metrics, s.objective);
        spans.push({ from: w.testFrom, metrics: o.metrics, daily: o.daily! });
      }
    }
    rows.push({
      index: w.index,
      train: { from: iso(w.trainFrom), to: iso(w.trainTo) },
      test: { from: iso(w.testFrom), to: iso(w.testTo) },
      evaluated: result.evaluated,
      invalid: result.invalid,
      params: result.best ? paramsOf(space, result.best.candidate) : null,
      inSample: result.best ? scored(result.best.metrics!, s.objective) : null,
      outOfSample: oos,
      guard: guardOf(result),
    });
    last = { best: result.best, window: { from: w.trainFrom, to: w.trainTo } };
  }
  const stitched = stitch(spans, ctx.config.simulator.initialBalance);
  const chosen = rows.filter((r) => r.inSample !== null).map((r) => r.inSample!);
  const days = (ms: number) => `${Number((ms / DAY_MS).toFixed(3))}d`;
  const pbos = rows.map((r) => r.guard.pbo).filter((p): p is number => p !== null).sort((a, b) => a - b);
  const medianPbo = pbos.length > 0 ? pbos[Math.floor(pbos.length / 2)]! : null;
  const warnings = rows.flatMap((r) => r.guard.warnings.map((w) => `window ${r.index}: ${w}`));
  if (medianPbo !== null && medianPbo > 0.5) warnings.push(`median PBO over the windows ${medianPbo.toFixed(2)} > 0.5: the parameters chosen in training usually rank in the bottom half out of sample`);
  const result: WalkForwardResult = {
    spec: { train: days(spec.trainMs), test: days(spec.testMs), step: days(spec.stepMs) },
    windows: rows,
    inSampleMean: {
      sharpe: mean(chosen.map((m) => m.sharpe).filter((x): x is number => x !== null)),
      returnPct: mean(chosen.map((m) => m.returnPct).filter((x): x is number => x !== null)),
      objective: mean(chosen.map((m) => m.objective).filter((x): x is number => x !== null)),
      trades: chosen.reduce((n, m) => n + m.trades, 0),
    },
    outOfSample: { ...stitched, equity: stitched.equity.map(([t, e]) => [iso(t), e] as const) },
    warnings,
  };
  return { result, last, trialsRun };
}

/** The chosen parameters' trades on the span they were chosen on, by market regime: all symbols, then each. */
function chosenRegimes(ctx: TrialContext, params: Readonly<Record<string, unknown>>, window: { from: number; to: number }): ChosenRegimes | null {
  const run = runWithParams(ctx, params, window.from, window.to);
  if (typeof run === 'string') return null;
  const trades = run.trades.map((t) => (Number.isFinite(t.rMultiple) ? t : { ...t, rMultiple: null }));
  const bySymbol: Record<string, ReturnType<typeof regimeFigures>> = {};
  for (const symbol of ctx.preset.symbols) bySymbol[symbol] = regimeFigures(trades.filter((t) => t.symbol === symbol));
  return { from: iso(window.from), to: iso(window.to), all: regimeFigures(trades), bySymbol };
}

export async function optimize(
  ctx: TrialContext,
  space: ResolvedSpace,
  base: Readonly<Record<string, unknown>>,
  runner: TrialRunner,
  period: { readonly from: number; readonly to: number },
  s: OptimizeSettings,
  hooks: OptimizeHooks = {},
): Promise<OptimizeReport> {
  const started = performance.now();
  const def = definitionOf(ctx);
  let singleResult: SingleResult | null = null;
  let walkResult: WalkForwardResult | null = null;
  let best: TrialRecord | null;
  let window: { from: number; to: number };
  let trialsRun: number;
  if (s.walkForward) {
    const w = await walk(ctx, space, base, runner, period.from, period.to, s, s.walkForward, hooks);
    walkResult = w.result;
    best = w.last.best;
    window = w.last.window;
    trialsRun = w.trialsRun;
  } else {
    const r = await single(ctx, space, base, runner, period.from, period.to, s, hooks);
    singleResult = r.out;
    best = r.best;
    window = r.window;
    trialsRun = r.trialsRun;
  }
  let rows: SensitivityRow[] = [];
  if (s.sensitivity && best && best.metrics) {
    rows = await sensitivity(space, base, def, { candidate: best.candidate, objective: best.objective, trades: best.metrics.trades }, runner, window, s.objective);
  }
  const regimes = best ? chosenRegimes(ctx, paramsFor(space, base, best), window) : null;
  return {
    schema: 'bybot.optimize.v1',
    preset: { id: ctx.preset.id, type: ctx.preset.type, symbols: ctx.preset.symbols },
    market: ctx.market,
    period: { from: iso(period.from), to: iso(period.to) },
    method: s.method,
    trials: s.trials,
    seed: s.seed,
    objective: { name: s.objective.name, minTrades: s.objective.minTrades },
    workers: runner.workers,
    space: space.dimensions.map((d) => ({ key: d.key, kind: d.kind, values: d.values, min: d.min, max: d.max })),
    single: singleResult,
    walkForward: walkResult,
    sensitivity: rows,
    bestParams: best ? paramsOf(space, best.candidate) : null,
    regimes,
    presetFile: null,
    trialsFile: null,
    elapsedMs: performance.now() - started,
    trialsRun,
  };
}
