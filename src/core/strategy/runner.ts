import type { Candle } from '../../domain/types.ts';
import type { RegimeLabel } from '../indicators/regime.ts';
import type { AnyStrategyDefinition, IndicatorResult, Signal } from './contract.ts';
import { checkDecision, guardedDecision, thrownFault, type CheckedDecision } from './sanitize.ts';

/**
 * Drives a StrategyDefinition for an actor: keeps its incremental indicator state in step
 * with the candle window the actor fetches each iteration, and turns decisions into
 * stamped, checked Signals. Pure (no I/O, no clock); the actor stores what these return.
 */

/**
 * Opaque state kept by the actor between iterations. It remembers which strategy and
 * params built it, so a hot reload of params replays from scratch instead of mixing two
 * configurations. The strategy state inside is hot state updated IN PLACE (contract.ts):
 * the run is one live object, and `lastCandleStart` moves with it as candles are fed, so
 * whoever holds it can tell whether it still matches what they last saw.
 */
export interface IndicatorRunState {
  readonly kind: 'bybot.indicatorRun.v1';
  readonly strategyType: string;
  readonly paramsKey: string;
  readonly lastCandleStart: number;
  readonly inner: unknown;
}

class IndicatorRun implements IndicatorRunState {
  readonly kind = 'bybot.indicatorRun.v1';

  constructor(
    readonly strategyType: string,
    readonly paramsKey: string,
    public lastCandleStart: number,
    public inner: unknown,
  ) {}
}

export interface AdvanceResult {
  /** Pass back in on the next iteration (opaque). */
  readonly state: IndicatorRunState | undefined;
  readonly lastCandleStart: number | undefined;
  /** A copy: it stays valid after the state moves on (actors keep it in their context). */
  readonly indicators: IndicatorResult | null;
}

function paramsKeyOf(params: unknown): string {
  try {
    return JSON.stringify(params) ?? '';
  } catch {
    return '';
  }
}

/**
 * Only a live run built by this module can be resumed: a state that went through JSON (or
 * any other copy) has lost its indicator objects, so it is replayed from scratch.
 */
function isLiveRun(value: unknown): value is IndicatorRun {
  return value instanceof IndicatorRun;
}

function stepMsOf(params: unknown): number {
  const interval = (params as { interval?: unknown } | null)?.interval;
  const ms = Number(interval) * 60_000;
  return Number.isFinite(ms) && ms > 0 ? ms : Number.NaN;
}

/** The candles to feed when they continue the series right after `last`, or null when a replay is needed. */
function continuation(candles: readonly Candle[], last: number, stepMs: number): readonly Candle[] | null {
  const from = candles.findIndex((c) => c.start > last);
  if (from < 0) return [];
  const newer = candles.slice(from);
  let expected = last + stepMs;
  for (const c of newer) {
    if (c.start !== expected) return null;
    expected += stepMs;
  }
  return newer;
}

/** indicators() may return an object its state reuses; the actor keeps the reading, so copy it. */
function copyIndicators(result: IndicatorResult | null): IndicatorResult | null {
  return result === null ? null : { candleStart: result.candleStart, close: result.close, values: { ...result.values } };
}

/**
 * Feeds only the candles newer than `lastCandleStart` when they continue the previous
 * series (next expected start = last + interval); otherwise (first run, a gap, a restart,
 * different params, a state that is not a live run) starts a new state and replays the
 * whole window. `closedCandles` must be sorted and unique (validateCandles output).
 * O(new candles) on the normal path. The run is updated in place: while candles are fed its
 * `lastCandleStart` is NaN, so a run left half-fed by a throw is replayed next time, and a
 * caller that dropped this iteration's result (kept an older `lastCandleStart`) replays too.
 */
export function advanceIndicators(
  def: AnyStrategyDefinition,
  params: unknown,
  state: unknown,
  lastCandleStart: number | undefined,
  closedCandles: readonly Candle[],
): AdvanceResult {
  const paramsKey = paramsKeyOf(params);
  const stepMs = stepMsOf(params);
  const resumable =
    isLiveRun(state) && state.strategyType === def.type && state.paramsKey === paramsKey && lastCandleStart !== undefined && state.lastCandleStart === lastCandleStart;
  const toFeed = resumable ? continuation(closedCandles, lastCandleStart, stepMs) : null;
  if (resumable && toFeed !== null && toFeed.length === 0) {
    // Nothing new closed since the last iteration: same state, same reading.
    return { state, lastCandleStart, indicators: copyIndicators(def.indicators(state.inner, params)) };
  }
  const run = resumable && toFeed !== null ? state : new IndicatorRun(def.type, paramsKey, Number.NaN, def.initState(params));
  const feed = resumable && toFeed !== null ? toFeed : closedCandles;
  let last = run.lastCandleStart;
  run.lastCandleStart = Number.NaN;
  for (const candle of feed) {
    run.inner = def.update(run.inner, candle, params);
    last = candle.start;
  }
  if (Number.isNaN(last)) return { state: undefined, lastCandleStart: undefined, indicators: null };
  run.lastCandleStart = last;
  return { state: run, lastCandleStart: last, indicators: copyIndicators(def.indicators(run.inner, params)) };
}

export interface EvaluateSignalInput {
  readonly definition: AnyStrategyDefinition;
  readonly params: unknown;
  /** From advanceIndicators; null while warming up (ignored when degraded). */
  readonly indicators: IndicatorResult | null;
  /** The (repaired) closed candles, for the degraded fallback. */
  readonly candles: readonly Candle[];
  /** True when data quality is degraded: use the fallback (B1.3). */
  readonly degraded: boolean;
  readonly strategyId: string;
  readonly symbol: string;
  /** The market regime to stamp on the signal (the kernel's classifier), if known. */
  readonly regime?: RegimeLabel;
  /** False when nobody will read the reason (the fast backtest engine): the strategy may leave it empty. Default true. */
  readonly explain?: boolean;
}

/** A Signal plus why the strategy's answer was replaced (a counted strategy fault), if it was. */
export interface EvaluatedSignal extends Signal {
  readonly fault: string | null;
}

/**
 * signal() on good data, fallback() on degraded data. A decision that throws or breaks the
 * contract (non-finite numbers, stop on the wrong side, missing factors) becomes action
 * 'none' with `fault` set: the actor counts it and carries on.
 */
export function evaluateSignal(input: EvaluateSignalInput): EvaluatedSignal {
  const { definition: def, params, indicators } = input;
  if (input.degraded || indicators === null) return fromCandles(input);
  // guardedDecision written out: no closure per signal on the hot path.
  const explain = input.explain ?? true;
  let raw: unknown;
  try {
    raw = def.signal(indicators, params, explain);
  } catch (error) {
    return stamped(thrownFault(def, 'full', indicators.close, error), input, indicators.candleStart);
  }
  return stamped(checkDecision(def, raw, 'full', indicators.close, explain), input, indicators.candleStart);
}

/**
 * The decisions read from the candles: the fallback on degraded data, 'none' while warming
 * up. Apart from the hot path because `candles[candles.length - 1]` on the empty array the
 * full path passes is a miss that V8 looks up as the property "-1" (83% of evaluateSignal's
 * own time in the fast engine's profile).
 */
function fromCandles(input: EvaluateSignalInput): EvaluatedSignal {
  const { definition: def, params, candles } = input;
  const lastCandle = candles.length > 0 ? candles[candles.length - 1] : undefined;
  if (input.degraded) {
    const reference = lastCandle?.close ?? 0;
    const checked = guardedDecision(def, 'degraded', reference, () => def.fallback(candles, params));
    return stamped(checked, input, lastCandle?.start ?? 0);
  }
  const checked = guardedDecision(def, 'full', lastCandle?.close ?? 0, () => ({
    action: 'none',
    price: lastCandle?.close ?? 0,
    stopLoss: 0,
    takeProfit: 0,
    factors: {},
    score: 0.1,
    mode: 'full',
    reason: `warming up: ${candles.length} closed candle(s), ${safeWarmup(def, params)} needed`,
  }));
  return stamped(checked, input, lastCandle?.start ?? 0);
}

/**
 * The checked decision stamped with its origin: `{ ...decision, strategyId, strategyType,
 * symbol, candleStart, fault }` written out (same keys, same order), because the spread of a
 * decision object was the most expensive step of a signal (a megamorphic clone per call).
 */
function stamped(checked: CheckedDecision, input: EvaluateSignalInput, candleStart: number): EvaluatedSignal {
  const d = checked.decision;
  // One shape for every signal: the optional fields (a preset's sizing curve, the kernel's
  // regime) are present as keys even when undefined (JSON and the logs leave those out).
  return {
    action: d.action,
    price: d.price,
    stopLoss: d.stopLoss,
    takeProfit: d.takeProfit,
    factors: d.factors,
    score: d.score,
    sizeFactor: d.sizeFactor,
    mode: d.mode,
    reason: d.reason,
    strategyId: input.strategyId,
    strategyType: input.definition.type,
    symbol: input.symbol,
    regime: input.regime,
    candleStart,
    fault: checked.fault,
  };
}

function safeWarmup(def: AnyStrategyDefinition, params: unknown): string {
  try {
    return String(def.warmup(params));
  } catch {
    return '?';
  }
}
