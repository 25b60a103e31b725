import { REGIME_CODE } from '../indicators/regime.ts';
import { MARKET_FEATURES, MARKET_HISTORY, type FeatureTracker } from './featureTracker.ts';
import { utcHourOf, utcWeekdayOf, type ZoneClock } from './zoneTime.ts';

/**
 * The ML filter's feature vector at one decision, in a fixed order (a model file lists
 * these names and is refused when they differ). Built from closed candles only: the
 * market features of a FeatureTracker, calendar features of the decision time (the close
 * of the signal candle, UTC epoch ms), the strategy's three confluence factors and entry
 * side, and the kernel's regime label. The same function builds the training rows and
 * the serving rows, so the two cannot drift apart.
 */
export const FEATURE_NAMES = [
  ...MARKET_FEATURES,
  'utc_hour_sin',
  'utc_hour_cos',
  'utc_weekday_sin',
  'utc_weekday_cos',
  'session',
  'factor_1',
  'factor_2',
  'factor_3',
  'side',
  'regime_trending_up',
  'regime_trending_down',
  'regime_ranging',
  'regime_volatile',
] as const;

export const FEATURE_COUNT = FEATURE_NAMES.length;

/** Where the `session` feature is 1: weekdays (Mon-Fri) from startHour to endHour (exclusive) in `zone`. */
export interface SessionSpec {
  readonly zone: string;
  readonly startHour: number;
  readonly endHour: number;
}

export const DEFAULT_SESSION: SessionSpec = { zone: 'America/New_York', startHour: 9, endHour: 16 };

/** Closed candles a FeatureTracker needs before the features are complete. */
export const FEATURE_HISTORY = MARKET_HISTORY;

export interface DecisionFacts {
  /** Close time of the signal candle (its start + interval), UTC ms. */
  readonly time: number;
  /** The strategy's three factors, in its factorNames order. */
  readonly factors: readonly [number, number, number];
  readonly side: 'long' | 'short';
  /** REGIME_CODE of the kernel's label. */
  readonly regime: number;
}

const TAU = 2 * Math.PI;

export function inSession(clock: ZoneClock, session: SessionSpec, t: number): boolean {
  const local = clock.at(t);
  if (local.weekday === 0 || local.weekday === 6) return false;
  return session.startHour <= session.endHour
    ? local.hour >= session.startHour && local.hour < session.endHour
    : local.hour >= session.startHour || local.hour < session.endHour;
}

/** Fills `out` (length FEATURE_COUNT) with the features of one decision. Allocation-free. */
export function writeFeatures(out: Float64Array, tracker: FeatureTracker, clock: ZoneClock, session: SessionSpec, facts: DecisionFacts): Float64Array {
  tracker.write(out, 0);
  return writeDecisionFeatures(out, clock, session, facts);
}

/** The features after the market ones (calendar, factors, side, regime), from out[MARKET_FEATURES.length] on. */
export function writeDecisionFeatures(out: Float64Array, clock: ZoneClock, session: SessionSpec, facts: DecisionFacts): Float64Array {
  let i = MARKET_FEATURES.length;
  const hour = utcHourOf(facts.time);
  const weekday = utcWeekdayOf(facts.time);
  out[i++] = Math.sin((TAU * hour) / 24);
  out[i++] = Math.cos((TAU * hour) / 24);
  out[i++] = Math.sin((TAU * weekday) / 7);
  out[i++] = Math.cos((TAU * weekday) / 7);
  out[i++] = inSession(clock, session, facts.time) ? 1 : 0;
  for (let k = 0; k < 3; k++) {
    const f = facts.factors[k]!;
    out[i++] = Number.isFinite(f) ? Math.min(1, Math.max(0, f)) : 0;
  }
  out[i++] = facts.side === 'long' ? 1 : -1;
  out[i++] = facts.regime === REGIME_CODE.trendingUp ? 1 : 0;
  out[i++] = facts.regime === REGIME_CODE.trendingDown ? 1 : 0;
  out[i++] = facts.regime === REGIME_CODE.ranging ? 1 : 0;
  out[i++] = facts.regime === REGIME_CODE.volatile ? 1 : 0;
  return out;
}
