import { MARKET_FEATURES } from './featureTracker.ts';
import { FEATURE_COUNT, writeDecisionFeatures, type DecisionFacts, type SessionSpec } from './features.ts';
import { FeatureTracker } from './featureTracker.ts';
import { ZoneClock } from './zoneTime.ts';

/**
 * Features of past decisions, for training. marketColumns replays one stored series through
 * a FeatureTracker exactly as a kernel feeds it (rows oldest first; a row that does not
 * continue the previous one by one interval resets it, as a gap resets the kernel's
 * indicators; rows with a non-positive or non-finite close or volume are skipped, as the
 * kernel drops them) and keeps, per row, the market features and the contiguous history
 * held. replayFeatures adds each decision's own features at its candle. Row r's values
 * depend on rows 0..r only.
 */
export interface SeriesRows {
  readonly length: number;
  readonly start: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  readonly volume: ArrayLike<number>;
}

export interface PastDecision extends Omit<DecisionFacts, 'time'> {
  /** Start of the signal candle. */
  readonly candleStart: number;
}

const M = MARKET_FEATURES.length;

/** Per row of a series: the market features (M per row, NaN for skipped rows) and the tracker's history (0 for skipped rows). */
export interface MarketColumns {
  readonly values: Float64Array;
  readonly fed: Int32Array;
}

export function marketColumns(series: SeriesRows, intervalMs: number): MarketColumns {
  const values = new Float64Array(series.length * M).fill(Number.NaN);
  const fed = new Int32Array(series.length);
  const out = new Float64Array(M);
  let tracker = new FeatureTracker();
  let lastFed = Number.NaN;
  for (let r = 0; r < series.length; r++) {
    const start = series.start[r]!;
    const close = series.close[r]!;
    const volume = series.volume[r]!;
    if (!(close > 0) || !(volume >= 0) || !Number.isFinite(close) || !Number.isFinite(volume) || !(Number.isNaN(lastFed) || start > lastFed)) continue;
    if (!Number.isNaN(lastFed) && start !== lastFed + intervalMs) tracker = new FeatureTracker();
    tracker.update(close, volume);
    lastFed = start;
    tracker.write(out, 0);
    values.set(out, r * M);
    fed[r] = tracker.fed;
  }
  return { values, fed };
}

/** Bytes a MarketColumns holds (for cache bounds). */
export function marketColumnsBytes(c: MarketColumns): number {
  return c.values.byteLength + c.fed.byteLength;
}

export interface ReplayedFeatures {
  /** FEATURE_COUNT values per decision, in the order given; NaN rows where `ready` is false. */
  readonly rows: Float64Array;
  /** Whether `requiredCandles` contiguous candles were held at the decision (the model would be consulted). */
  readonly ready: readonly boolean[];
}

export function replayFeatures(series: SeriesRows, intervalMs: number, decisions: readonly PastDecision[], session: SessionSpec, requiredCandles: number, columns: MarketColumns = marketColumns(series, intervalMs)): ReplayedFeatures {
  const rows = new Float64Array(decisions.length * FEATURE_COUNT).fill(Number.NaN);
  const ready = decisions.map(() => false);
  const clock = new ZoneClock(session.zone);
  const out = new Float64Array(FEATURE_COUNT);
  const rowOf = new Map<number, number>();
  for (let r = 0; r < series.length; r++) if (columns.fed[r]! > 0) rowOf.set(series.start[r]!, r);
  decisions.forEach((d, i) => {
    const r = rowOf.get(d.candleStart);
    if (r === undefined || columns.fed[r]! < requiredCandles) return;
    out.set(columns.values.subarray(r * M, (r + 1) * M), 0);
    if (out.subarray(0, M).some(Number.isNaN)) return;
    writeDecisionFeatures(out, clock, session, { time: d.candleStart + intervalMs, factors: d.factors, side: d.side, regime: d.regime });
    rows.set(out, i * FEATURE_COUNT);
    ready[i] = true;
  });
  return { rows, ready };
}
