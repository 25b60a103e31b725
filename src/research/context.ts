import type { AppConfig, StrategyPreset } from '../../config/schema.ts';
import { loadHistory } from '../backtest/historyData.ts';
import { prepareConfig, seriesKey, type DataSeriesSpec } from '../backtest/prepareRun.ts';
import { syntheticData } from '../backtest/syntheticData.ts';
import { isChoice, type SearchSpace } from '../core/strategy/searchSpace.ts';
import { getStrategy } from '../core/strategy/registry.ts';
import { intervalMs, type Interval } from '../domain/types.ts';
import { ResearchInputError } from '../domain/errors.ts';
import type { HistoryStore } from '../history/types.ts';
import { warmupCandles } from '../../machines/strategy.kernelSync.ts';
import { withValue } from './space.ts';
import type { TrialContext } from './trial.ts';

/**
 * The data and preset of an optimisation: the preset (from the configuration, or a fresh
 * one of a strategy) fitted to the --data series, and the candles loaded once for every
 * trial, with warm-up for the longest indicator periods the search space can reach.
 */
export interface ResearchSource {
  readonly data: readonly DataSeriesSpec[];
  readonly from: number;
  readonly to: number;
  readonly market: 'history' | 'synthetic';
  readonly marketSeed: number;
  readonly preset?: string;
  readonly strategy?: string;
}

export function pickPreset(config: AppConfig, source: Pick<ResearchSource, 'preset' | 'strategy' | 'data'>): StrategyPreset {
  if (source.preset !== undefined) {
    const preset = config.strategies.find((p) => p.id === source.preset);
    if (!preset) throw new ResearchInputError([`--preset ${source.preset}: not in the configuration (presets: ${config.strategies.map((p) => p.id).join(', ')})`]);
    return { ...preset, enabled: true };
  }
  const type = source.strategy ?? '';
  const def = getStrategy(type);
  if (!def) throw new ResearchInputError([`--strategy ${type}: unknown (known: range, multiTimeframe, volumeVwap)`]);
  const interval = source.data[0]?.interval ?? '60';
  return { id: type.toLowerCase(), type, symbols: [...new Set(source.data.map((d) => d.symbol))], params: def.paramsSchema.parse({ interval }), enabled: true } as StrategyPreset;
}

/** Rows of warm-up the widest corner of the space needs (each numeric dimension at its max, alone). */
function spaceWarmupRows(preset: StrategyPreset, space: SearchSpace): number {
  const def = getStrategy(preset.type)!;
  const base = preset.params as Record<string, unknown>;
  let rows = warmupCandles(def, base as never) + 1;
  for (const [key, dim] of Object.entries(space)) {
    const values = isChoice(dim) ? dim.values : [dim.max];
    for (const v of values) {
      const parsed = def.paramsSchema.safeParse(withValue(base, key.split('.'), v));
      if (parsed.success) rows = Math.max(rows, warmupCandles(def, parsed.data as never) + 1);
    }
  }
  return rows;
}

export function researchContext(config: AppConfig, source: ResearchSource, space: (preset: StrategyPreset) => SearchSpace, openStore: () => HistoryStore): { ctx: TrialContext; space: SearchSpace } {
  const chosen = pickPreset(config, source);
  const prepared = prepareConfig({ ...config, strategies: [chosen] }, source.data);
  if (prepared.config.strategies.length !== 1) {
    throw new ResearchInputError([`preset ${chosen.id} does not run on ${source.data.map((d) => seriesKey(d.symbol, d.interval)).join(', ')}: ${prepared.skipped.join('; ') || 'its symbols are not in --data'}`]);
  }
  const preset = prepared.config.strategies[0]!;
  const searchSpace = space(preset);
  const interval = (preset.params as { interval: Interval }).interval;
  const used = source.data.filter((d) => preset.symbols.includes(d.symbol) && d.interval === interval);
  const rows = spaceWarmupRows(preset, searchSpace);
  const base = { ...prepared.config, strategies: [preset] };
  if (source.market === 'synthetic') {
    const origin = source.from - rows * intervalMs(interval) - 86_400_000;
    const data = syntheticData(base, used, origin, source.to, source.marketSeed);
    return { ctx: { config: base, preset, data, market: 'synthetic', seed: source.marketSeed }, space: searchSpace };
  }
  const data = loadHistory(openStore(), base, used, source.from, source.to, new Map(used.map((s) => [seriesKey(s.symbol, s.interval), rows])));
  return { ctx: { config: base, preset, data, market: 'history', seed: null }, space: searchSpace };
}
