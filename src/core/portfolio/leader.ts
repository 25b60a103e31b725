import { RegimeClassifier, type RegimeLabel } from '../indicators/regime.ts';
import type { Side } from '../../domain/types.ts';
import { validRow, type SeriesWindow } from './series.ts';

/**
 * The cross-asset filter's input: the leader's (BTC's) regime on a higher timeframe, from
 * its candles aggregated into epoch-aligned buckets of `timeframeMs` (complete buckets
 * only: those that end by `until`) and classified by the core RegimeClassifier.
 */
export function leaderRegime(w: SeriesWindow, timeframeMs: number, until: number): RegimeLabel {
  const classifier = new RegimeClassifier();
  const bar = { high: 0, low: 0, close: 0 };
  let bucket = Number.NaN;
  for (let i = 0; i < w.length; i++) {
    if (!validRow(w, i)) continue;
    const b = Math.floor(w.start[i]! / timeframeMs) * timeframeMs;
    if (b !== bucket) {
      if (!Number.isNaN(bucket)) classifier.update(bar);
      bucket = b;
      bar.high = w.high[i]!;
      bar.low = w.low[i]!;
    } else {
      bar.high = Math.max(bar.high, w.high[i]!);
      bar.low = Math.min(bar.low, w.low[i]!);
    }
    bar.close = w.close[i]!;
  }
  if (!Number.isNaN(bucket) && bucket + timeframeMs <= until) classifier.update(bar);
  return classifier.label;
}

/** Why an entry goes against the leader's regime under the rule, or null when it may go. */
export function crossAssetProblem(side: Side, regime: RegimeLabel, rule: 'notAgainst' | 'with'): string | null {
  const long = side === 'Buy';
  if (rule === 'notAgainst') {
    if (long && regime === 'trendingDown') return 'a long against the leader\'s down trend';
    if (!long && regime === 'trendingUp') return 'a short against the leader\'s up trend';
    return null;
  }
  if (long && regime !== 'trendingUp') return `a long while the leader is ${regime}, not trending up`;
  if (!long && regime !== 'trendingDown') return `a short while the leader is ${regime}, not trending down`;
  return null;
}
