/**
 * Backtest speed (issue 9): prints one JSON object with stable keys.
 *
 *   backtest.fast.candlesPerSec        the fast engine, a year of generated 1m candles, one
 *                                      symbol, the three default strategies (min / median)
 *   backtest.fast.engineOnly           the same run with a strategy that does nothing (screen()
 *                                      says 'none'): the engine's own cost per candle
 *   backtest.actors.candlesPerSec      the actor engine (real runtime, lock-step clock) on
 *                                      BENCH_ACTOR_DAYS days of the same data
 *   backtest.actors.candlesPerCpuSec   the same per CPU second of the process (user + system)
 *   decision.<strategy>.p50Us / p99Us  one decision (validate + indicators + signal + size)
 *
 *   npx tsx bench/backtest.bench.ts           (BENCH_DAYS=365, BENCH_ACTOR_DAYS=3, BENCH_RUNS=3)
 */
import { loadConfig } from '../config/load.ts';
import { runActorEngine } from '../src/backtest/actorEngine.ts';
import { runFastEngine } from '../src/backtest/fast/fastEngine.ts';
import type { BacktestInput } from '../src/backtest/input.ts';
import { prepareConfig } from '../src/backtest/prepareRun.ts';
import { syntheticData } from '../src/backtest/syntheticData.ts';
import { StrategyKernel } from '../src/core/kernel/kernel.ts';
import type { AnyStrategyDefinition, IndicatorResult } from '../src/core/strategy/contract.ts';
import { getStrategy, STRATEGIES } from '../src/core/strategy/registry.ts';

const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const ACTOR_DAYS = Number(process.env.BENCH_ACTOR_DAYS ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 1);

const loaded = loadConfig({ env: {}, overrides: { log: { level: 'silent' } } });
if (!loaded.ok) throw new Error(loaded.problems.join('; '));
const series = [{ symbol: 'BTCUSDT', interval: '1' as const }];
const prepared = prepareConfig(loaded.config, series);

function input(days: number): BacktestInput {
  const to = START + days * DAY;
  const data = syntheticData(prepared.config, series, START - 3 * DAY, to, 42);
  return { config: prepared.config, data, from: START, to, market: 'synthetic', seed: 42 };
}

const stats = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: Math.round(sorted[0]!), median: Math.round(sorted[Math.floor(sorted.length / 2)]!), runs: sorted.length };
};

/** A strategy that costs nothing: what is left is the engine (validation, timeline, fills, bookkeeping). */
const RESULT: IndicatorResult = { candleStart: 0, close: 0, values: {} };
function nothing(def: AnyStrategyDefinition): AnyStrategyDefinition {
  return { ...def, initState: () => null, update: (s: unknown) => s, indicators: () => RESULT, screen: () => false };
}

const year = input(DAYS);
const fast: number[] = [];
const engineOnly: number[] = [];
let trades = 0;
for (let r = 0; r < RUNS; r++) {
  const run = runFastEngine(year);
  trades = run.trades.length;
  fast.push((run.candlesProcessed / run.elapsedMs) * 1000);
  const bare = runFastEngine(year, {
    resolve: (type) => {
      const def = getStrategy(type);
      return def ? nothing(def) : undefined;
    },
  });
  engineOnly.push((bare.candlesProcessed / bare.elapsedMs) * 1000);
}
const candles = year.data.get('BTCUSDT')!.series[0]!.length;

const short = input(ACTOR_DAYS);
const actors: number[] = [];
// Per CPU second of this process as well: on a shared machine wall time includes waiting for a core.
const actorsCpu: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const cpu0 = process.cpuUsage();
  const run = await runActorEngine(short);
  const cpu = process.cpuUsage(cpu0);
  actors.push((run.candlesProcessed / run.elapsedMs) * 1000);
  actorsCpu.push(run.candlesProcessed / ((cpu.user + cpu.system) / 1e6));
}

/** Per-candle decision cost of each strategy through its kernel (the 1m series above). */
const decision: Record<string, { p50Us: number; p99Us: number; samples: number }> = {};
const columns = year.data.get('BTCUSDT')!.series[0]!;
for (const [type, def] of STRATEGIES) {
  const preset = prepared.config.strategies.find((s) => s.type === type)!;
  const kernel = new StrategyKernel({ definition: def, params: preset.params as never, symbol: 'BTCUSDT', presetId: preset.id, risk: prepared.config.risk, maxStalenessMs: 300_000 });
  const portfolio = { equity: 10_000, availableBalance: 10_000, positions: [], openOrders: [], dayStartEquity: 10_000 };
  const instrument = year.data.get('BTCUSDT')!.instrument;
  const n = Math.min(columns.length, 200_000);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    kernel.ingest(columns.start[i]!, columns.open[i]!, columns.high[i]!, columns.low[i]!, columns.close[i]!, columns.volume[i]!, columns.turnover[i]!);
    const e = kernel.evaluate(columns.start[i]! + 60_000, false);
    if (e.kind === 'signal' && e.signal.action !== 'none') kernel.assess(e.signal, portfolio, instrument, 'ACTIVE');
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const measured = times.subarray(kernel.warmupCandles).sort();
  decision[type] = { p50Us: Number(measured[Math.floor(measured.length * 0.5)]!.toFixed(2)), p99Us: Number(measured[Math.floor(measured.length * 0.99)]!.toFixed(2)), samples: measured.length };
}

process.stdout.write(
  `${JSON.stringify({
    backtest: {
      fast: { candlesPerSec: stats(fast), engineOnly: { candlesPerSec: stats(engineOnly) }, candles, days: DAYS, presets: prepared.config.strategies.length, trades },
      actors: { candlesPerSec: stats(actors), candlesPerCpuSec: stats(actorsCpu), days: ACTOR_DAYS },
    },
    decision,
    node: process.version,
  })}\n`,
);
process.exit(0);
