import type { z } from 'zod';
import type { Candle } from '../../domain/types.ts';
import type { RegimeLabel } from '../indicators/regime.ts';
import type { MlVerdict } from '../ml/filter.ts';
import type { SearchSpace } from './searchSpace.ts';

/**
 * The layer contract every strategy follows (backlog B4.1 / C1):
 *
 *   closed candles --update()--> indicator state --indicators()--> IndicatorResult
 *     --signal()--> SignalDecision (action, stop, target, 3 confluence factors, score)
 *     --src/core/risk--> RiskDecision (size from risk % and stop distance, limits)
 *
 * Every function here is deterministic: no I/O, no clock, no randomness, and no throwing
 * on bad numbers (a strategy that cannot decide returns action 'none' with a reason).
 * Indicator state is advanced one closed candle at a time in O(1), so the cost of a new
 * candle does not grow with the length of history. The state is hot incremental state
 * owned by exactly one kernel (one symbol x preset in one run): `update` may change it
 * in place (ring buffers, running sums) and return it, so the hot path allocates nothing;
 * a caller that needs to start over calls `initState` again, never shares a state.
 */

/** Layer 1 output: the indicator values at one closed candle, by name. */
export interface IndicatorResult {
  /** Start time of the closed candle these values belong to. */
  readonly candleStart: number;
  readonly close: number;
  readonly values: Readonly<Record<string, number>>;
}

export type SignalAction = 'long' | 'short' | 'none';

/** 'full' is the normal strategy; 'degraded' is the simplified fallback of backlog B1.3. */
export type SignalMode = 'full' | 'degraded';

/** Layer 2 output. */
export interface SignalDecision {
  readonly action: SignalAction;
  /** Reference entry price: the close of the candle the decision was made on. */
  readonly price: number;
  /** Protective stop and target; 0 when action is 'none'. */
  readonly stopLoss: number;
  readonly takeProfit: number;
  /**
   * The strategy's three key confluence factors (names from `factorNames`), each in
   * [0, 1]. Present for 'none' too, so an operator can see how close a signal was.
   */
  readonly factors: Readonly<Record<string, number>>;
  /** Confluence score in [0.1, 1.0] derived from the factors; drives position size (D2.2). */
  readonly score: number;
  /**
   * Size multiplier in (0, 1] from a preset's score-to-size curve (`confluence.sizing`); when
   * absent, the size scales with the score (the default).
   */
  readonly sizeFactor?: number;
  readonly mode: SignalMode;
  /** Short human-readable explanation (why this action, or why none). */
  readonly reason: string;
}

/** A SignalDecision stamped with where it came from; this is what actors store and show. */
export interface Signal extends SignalDecision {
  readonly strategyId: string;
  readonly strategyType: string;
  readonly symbol: string;
  readonly candleStart: number;
  /** The market regime of the symbol x timeframe at the decision (the kernel's classifier); absent outside a kernel. */
  readonly regime?: RegimeLabel;
  /** What the preset's ML filter did (src/core/ml/filter.ts); absent when the preset has none or the signal is not an entry. */
  readonly ml?: MlVerdict;
}

export interface StrategyDefinition<P, S> {
  /** Registry key used in config presets, e.g. 'range'. */
  readonly type: string;
  readonly description: string;
  readonly factorNames: readonly [string, string, string];
  /** Validates and defaults a preset's `params`; unknown keys are errors. */
  readonly paramsSchema: z.ZodType<P>;
  /** The parameters `npm run optimize` searches by default, and their ranges (searchSpace.ts). */
  readonly searchSpace?: SearchSpace;
  /** Closed candles needed before `indicators` returns a value. */
  warmup(params: P): number;
  initState(params: P): S;
  /**
   * Advances the state by one closed candle (oldest to newest); may update `state` in place
   * and return it. The candle may be an object the caller reuses for the next row (the
   * strategy kernel does): read it during the call and copy what you keep.
   */
  update(state: S, candle: Candle, params: P): S;
  /**
   * Current indicator values, or null while warming up. The result may be an object the
   * state reuses: it is valid until the next `update`; copy it to keep it longer.
   */
  indicators(state: S, params: P): IndicatorResult | null;
  /**
   * Optional cheap pre-check for the hot path: returns false only when `signal` would
   * certainly answer action 'none' for these indicators (a property test holds every
   * strategy to that), so an engine can skip building the decision and its explanation.
   * Absent = always call `signal`.
   */
  screen?(indicators: IndicatorResult, params: P): boolean;
  /**
   * The full strategy. `explain` false (the fast backtest engine, which never shows a
   * reason) lets it leave `reason` empty instead of formatting numbers into it; every other
   * field must be exactly what it returns with `explain` true or absent (a property test
   * holds the built-in strategies to that).
   */
  signal(indicators: IndicatorResult, params: P, explain?: boolean): SignalDecision;
  /**
   * The simplified strategy used when data quality is degraded (B1.3): basic signals from
   * the repaired candles only, never relying on volume. May return action 'none'.
   */
  fallback(candles: readonly Candle[], params: P): SignalDecision;
}

/** Type-erased definition, as stored in the registry. */
export type AnyStrategyDefinition = StrategyDefinition<any, any>;

/** Clamp helper every strategy uses for factors and the score. */
export function clamp(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, value));
}

/** Maps three factors in [0,1] to a score in [0.1, 1.0] with the given weights (summing to 1), to 4 decimals. */
export function confluenceScore(factors: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < factors.length; i++) sum += clamp(factors[i] ?? 0, 0, 1) * (weights[i] ?? 0);
  return roundScore(clamp(0.1 + 0.9 * sum, 0.1, 1));
}

/**
 * Number(x.toFixed(4)) for x in [0.1, 1], without the trip through a string (most of a
 * signal's cost was there). n = Math.round(x * 1e4) is toFixed's n unless the product's own
 * rounding (about 1e-12 here) could cross a tie, so within 1e-6 of one toFixed decides; n / 1e4
 * is then the double nearest to the decimal, as parsing it would give. A test holds the two equal.
 */
export function roundScore(x: number): number {
  const y = x * 1e4;
  const frac = y - Math.floor(y);
  if (Math.abs(frac - 0.5) < 1e-6) return Number(x.toFixed(4));
  return Math.round(y) / 1e4;
}
