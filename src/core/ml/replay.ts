import { FEATURE_COUNT, writeFeatures, type DecisionFacts, type SessionSpec } from './features.ts';
import { FeatureTracker } from './featureTracker.ts';
import { ZoneClock } from './zoneTime.ts';

/**
 * Features of past decisions, for training: replays one stored series through a
 * FeatureTracker exactly as a kernel feeds it (rows oldest first; a row that does not
 * continue the previous one by one interval resets it, as a gap resets the kernel's
 * indicators; rows with a non-positive or non-finite close or volume are skipped, as the
 * kernel drops them) and writes each decision's features when its candle has been fed.
 * Only candles up to and including the decision's own are read.
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

export interface ReplayedFeatures {
  /** FEATURE_COUNT values per decision, in the order given; NaN rows where `ready` is false. */
  readonly rows: Float64Array;
  /** Whether the tracker held `requiredCandles` contiguous candles at the decision (the model would be consulted). */
  readonly ready: readonly boolean[];
}

export function replayFeatures(series: SeriesRows, intervalMs: number, decisions: readonly PastDecision[], session: SessionSpec, requiredCandles: number): ReplayedFeatures {
  const order = decisions.map((_, i) => i).sort((a, b) => decisions[a]!.candleStart - decisions[b]!.candleStart);
  const rows = new Float64Array(decisions.length * FEATURE_COUNT).fill(Number.NaN);
  const ready = decisions.map(() => false);
  const clock = new ZoneClock(session.zone);
  const out = new Float64Array(FEATURE_COUNT);
  let tracker = new FeatureTracker();
  let lastFed = Number.NaN;
  let next = 0;
  for (let r = 0; r < series.length && next < order.length; r++) {
    const start = series.start[r]!;
    const close = series.close[r]!;
    const volume = series.volume[r]!;
    if (!(close > 0) || !(volume >= 0) || !Number.isFinite(close) || !Number.isFinite(volume) || !(Number.isNaN(lastFed) || start > lastFed)) continue;
    if (!Number.isNaN(lastFed) && start !== lastFed + intervalMs) tracker = new FeatureTracker();
    tracker.update(close, volume);
    lastFed = start;
    while (next < order.length && decisions[order[next]!]!.candleStart <= start) {
      const i = order[next++]!;
      const d = decisions[i]!;
      if (d.candleStart !== start || tracker.fed < requiredCandles || !tracker.ready) continue;
      writeFeatures(out, tracker, clock, session, { time: start + intervalMs, factors: d.factors, side: d.side, regime: d.regime });
      rows.set(out, i * FEATURE_COUNT);
      ready[i] = true;
    }
  }
  return { rows, ready };
}
