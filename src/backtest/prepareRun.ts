import type { AppConfig, StrategyPreset } from '../../config/schema.ts';
import { getStrategy } from '../core/strategy/registry.ts';
import { intervalMs, type Interval } from '../domain/types.ts';
import { warmupCandles } from '../../machines/strategy.kernelSync.ts';

/**
 * Fits the configuration's presets to the candles a backtest runs on:
 * - a preset runs on the --data symbols its `symbols` list names (others are left out);
 * - on a symbol with one stored interval the preset's `interval` becomes that interval; on
 *   a symbol with several it uses the one equal to its own interval;
 * - the params are checked again by the strategy's schema with that interval; a preset
 *   they no longer fit (e.g. multiTimeframe's higherTimeframeMinutes 15 on 60-minute
 *   candles) is left out with the reason, so the run goes on with the others.
 */
export interface DataSeriesSpec {
  readonly symbol: string;
  readonly interval: Interval;
}

export interface PreparedConfig {
  readonly config: AppConfig;
  /** One line per preset x symbol left out, with the reason. */
  readonly skipped: readonly string[];
  /** Per series (`SYMBOL:interval`): the candles needed before the first decision (the longest kernel warm-up + 1). */
  readonly warmupRows: ReadonlyMap<string, number>;
}

export const seriesKey = (symbol: string, interval: string): string => `${symbol}:${interval}`;

export function prepareConfig(config: AppConfig, series: readonly DataSeriesSpec[]): PreparedConfig {
  const skipped: string[] = [];
  const warmupRows = new Map<string, number>();
  const intervalsOf = new Map<string, Interval[]>();
  for (const s of series) intervalsOf.set(s.symbol, [...(intervalsOf.get(s.symbol) ?? []), s.interval]);
  const presets: StrategyPreset[] = [];
  for (const preset of config.strategies) {
    if (!preset.enabled) continue;
    const def = getStrategy(preset.type)!;
    const own = (preset.params as { interval: Interval }).interval;
    // One preset per distinct interval it ends up on (ids stay unique: suffixed when split).
    const byInterval = new Map<Interval, string[]>();
    for (const symbol of preset.symbols) {
      const available = intervalsOf.get(symbol);
      if (!available) continue;
      const interval = available.length === 1 ? available[0]! : available.find((i) => i === own);
      if (!interval) {
        skipped.push(`${preset.id} on ${symbol}: no ${own}-minute candles in --data (has ${available.join(', ')})`);
        continue;
      }
      byInterval.set(interval, [...(byInterval.get(interval) ?? []), symbol]);
    }
    for (const [interval, symbols] of byInterval) {
      const parsed = def.paramsSchema.safeParse({ ...(preset.params as object), interval });
      if (!parsed.success) {
        const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        skipped.push(`${preset.id} on ${symbols.join(', ')} (${interval}-minute candles): ${why}`);
        continue;
      }
      const id = byInterval.size > 1 ? `${preset.id}-${interval}m` : preset.id;
      presets.push({ ...preset, id, symbols, params: parsed.data } as StrategyPreset);
      const rows = warmupCandles(def, parsed.data as { interval: Interval; historyCandles: number }) + 1;
      for (const symbol of symbols) {
        const key = seriesKey(symbol, interval);
        warmupRows.set(key, Math.max(warmupRows.get(key) ?? 0, rows));
      }
    }
  }
  return { config: { ...config, strategies: presets }, skipped, warmupRows };
}

/** Time before `from` that holds `rows` candles of `interval` (the history a run loads for its warm-up). */
export function warmupSpanMs(rows: number, interval: Interval): number {
  return rows * intervalMs(interval);
}
