import type { AppConfig } from '../../config/schema.ts';
import { checkPeriodMs, type BacktestInput } from '../backtest/input.ts';
import type { DataSeriesSpec } from '../backtest/prepareRun.ts';
import { planBacktest } from '../backtest/runPlan.ts';
import { intervalMs, type Interval } from '../domain/types.ts';
import { openHistoryStore, resolveHistoryDir, type HistoryStore } from '../history/index.ts';

const HOUR = 3_600_000;
/** A synthetic lock-step replay without `simulator.history.to` covers this much. */
const SYNTHETIC_DAYS = 30;

export interface SimulatorReplay {
  /** The same input `npm run backtest` builds for these series and times (presets fitted to the data). */
  readonly input: BacktestInput;
  /** Presets x symbols left out, with the reason. */
  readonly skipped: readonly string[];
}

export function parseSeries(specs: readonly string[]): DataSeriesSpec[] {
  return specs.map((s) => {
    const [symbol, interval] = s.split(':') as [string, Interval];
    return { symbol, interval };
  });
}

/** End of the stored data of the series: the close of the newest stored candle. */
function storedEnd(store: HistoryStore, series: readonly DataSeriesSpec[]): number {
  let end = 0;
  for (const info of store.list()) {
    if (series.some((s) => s.symbol === info.symbol && s.interval === info.interval)) end = Math.max(end, info.to + intervalMs(info.interval));
  }
  if (end === 0) throw new Error(`nothing is stored for ${series.map((s) => `${s.symbol}:${s.interval}`).join(', ')} in ${store.dir} (npm run data -- import / download)`);
  return end;
}

/**
 * What the simulator replays instead of its generated market, or null for the generated
 * one: stored candles when `simulator.history.series` is set, and on the lock-step clock the
 * seeded synthetic market exactly as `npm run backtest -- --market synthetic` builds it
 * (same seed, same start, same candles), so a lock-step `npm start` and the actor engine
 * run on identical data through identical code (src/backtest/runPlan.ts).
 */
export async function planSimulatorReplay(config: AppConfig, openStore: (dir: string) => Promise<HistoryStore> = async (dir) => openHistoryStore(dir)): Promise<SimulatorReplay | null> {
  const sim = config.simulator;
  const history = sim.history;
  const series = parseSeries(history.series);
  if (series.length === 0 && sim.clock !== 'lockstep') return null;
  const historyDir = resolveHistoryDir({ historyDir: history.dir || undefined, config });
  const fromText = history.from || (sim.startTime === 'now' ? '' : sim.startTime);
  if (!fromText) throw new Error('simulator.history.from (or simulator.startTime) is needed to replay');
  const from = Date.parse(fromText);
  let to = history.to ? Date.parse(history.to) : undefined;
  if (series.length > 0) {
    const store = await openStore(historyDir);
    to ??= storedEnd(store, series);
    const plan = await planBacktest({ help: false, market: 'history', engine: 'actors', data: series, from, to, historyDir }, config, async () => store);
    return { input: plan.input, skipped: plan.skipped };
  }
  to ??= from + SYNTHETIC_DAYS * 24 * HOUR;
  const plan = await planBacktest({ help: false, market: 'synthetic', engine: 'actors', data: [], from, to, seed: sim.seed, hours: (to - from) / HOUR }, config, openStore);
  return { input: plan.input, skipped: plan.skipped };
}

/**
 * The runtime configuration of a lock-step replay: the fitted presets, and the account check
 * once per bar of the smallest interval, as in the actor engine (equity only moves at bar
 * boundaries in a replay, so checking more often would only see the same equity earlier).
 */
export function lockStepConfig(input: BacktestInput): AppConfig {
  return { ...input.config, supervision: { ...input.config.supervision, accountCheckMs: checkPeriodMs(input) } };
}
