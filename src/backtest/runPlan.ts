import { join } from 'node:path';
import type { AppConfig } from '../../config/schema.ts';
import { intervalMs, type Interval } from '../domain/types.ts';
import type { HistoryStore } from '../history/types.ts';
import type { BacktestArgs } from './cliArgs.ts';
import { loadHistory } from './historyData.ts';
import { checkPeriodMs, type BacktestInput } from './input.ts';
import { prepareConfig, seriesKey, type DataSeriesSpec } from './prepareRun.ts';
import { syntheticData } from './syntheticData.ts';

/** Where a synthetic run starts when --from is not given (a Monday, 00:00 UTC). */
export const SYNTHETIC_START = Date.UTC(2026, 0, 5);
const HOUR = 3_600_000;

export interface Plan {
  readonly input: BacktestInput;
  /** Presets (x symbols) left out, with the reason. */
  readonly skipped: readonly string[];
  readonly historyDir: string | null;
}

/** The series a synthetic run generates without --data: every enabled preset's symbols at the preset's interval. */
function presetSeries(config: AppConfig): DataSeriesSpec[] {
  const out: DataSeriesSpec[] = [];
  for (const p of config.strategies.filter((s) => s.enabled)) {
    const interval = (p.params as { interval: Interval }).interval;
    for (const symbol of p.symbols) if (!out.some((s) => s.symbol === symbol && s.interval === interval)) out.push({ symbol, interval });
  }
  return out;
}

/**
 * Turns the CLI arguments and the configuration into an engine input. The run's start is
 * rounded up to the grid of the account check (the greatest common divisor of the
 * intervals), where equity can change.
 */
export async function planBacktest(args: BacktestArgs, config: AppConfig, openStore: (dir: string) => Promise<HistoryStore>): Promise<Plan> {
  const series = args.data.length > 0 ? args.data : presetSeries(config);
  const prepared = prepareConfig(config, series);
  if (prepared.config.strategies.length === 0) {
    throw new Error(`no preset runs on ${series.map((s) => seriesKey(s.symbol, s.interval)).join(', ')}: ${prepared.skipped.join('; ') || 'no preset lists these symbols'}`);
  }
  const used = series.filter((s) => prepared.warmupRows.has(seriesKey(s.symbol, s.interval)));
  const grid = checkPeriodMs({ data: new Map(used.map((s) => [s.symbol, { series: [{ interval: s.interval }] }] as never)) });
  const requested = args.from ?? SYNTHETIC_START;
  const from = Math.ceil(requested / grid) * grid;
  const to = args.to ?? from + (args.hours ?? 24) * HOUR;
  if (args.market === 'synthetic') {
    const seed = args.seed ?? config.simulator.seed;
    const longest = Math.max(...used.map((s) => (prepared.warmupRows.get(seriesKey(s.symbol, s.interval)) ?? 0) * intervalMs(s.interval)));
    const data = syntheticData(prepared.config, used, from - longest - 24 * HOUR, to, seed);
    return { input: { config: prepared.config, data, from, to, market: 'synthetic', seed }, skipped: prepared.skipped, historyDir: null };
  }
  const historyDir = args.historyDir ?? join(config.journal.dataDir, 'history');
  const store = await openStore(historyDir);
  const data = loadHistory(store, prepared.config, used, from, to, prepared.warmupRows);
  return { input: { config: prepared.config, data, from, to, market: 'history', seed: null }, skipped: prepared.skipped, historyDir };
}
