import type { AppConfig } from '../../config/schema.ts';
import { marketColumns, marketColumnsBytes, type MarketColumns, type SeriesRows } from '../core/ml/replay.ts';
import { BoundedCache } from './boundedCache.ts';
import type { LoadedModel } from './modelStore.ts';

/**
 * The ML filter's two caches, both bounded by ml.cache (entries, bytes, age) and exported as
 * bybot_ml_cache_entries / bybot_ml_cache_bytes when the runtime registers them:
 * - model: verified model files, keyed by path, modification time and size (a changed file is
 *   a new key, so it is read and verified again);
 * - feature: the market feature columns of a stored series (training several presets on the
 *   same candles computes them once), keyed by the series' identity and content fingerprint.
 */
export interface MlCaches {
  readonly model: BoundedCache<string, LoadedModel>;
  readonly feature: BoundedCache<string, MarketColumns>;
}

export function createMlCaches(config: Pick<AppConfig, 'ml'>, now: () => number): MlCaches {
  return { model: new BoundedCache('model', config.ml.cache, now), feature: new BoundedCache('feature', config.ml.cache, now) };
}

export interface KeyedSeries extends SeriesRows {
  readonly symbol: string;
  readonly interval: string;
}

/** The market feature columns of a series, from the cache when the same candles were replayed before. */
export function cachedMarketColumns(cache: BoundedCache<string, MarketColumns>, series: KeyedSeries, intervalMs: number): MarketColumns {
  const n = series.length;
  const key = `${series.symbol}:${series.interval}:${n}:${n ? series.start[0] : 0}:${n ? series.start[n - 1] : 0}:${n ? series.close[n - 1] : 0}:${n ? series.volume[n - 1] : 0}`;
  return cache.getOrLoad(key, () => {
    const value = marketColumns(series, intervalMs);
    return { value, bytes: marketColumnsBytes(value) };
  });
}
