/**
 * Backtest speed (issue 9): prints one JSON object with stable keys.
 *
 *   backtest.fast.candlesPerSec        the fast engine, a year of generated 1m candles, one
 *                                      symbol, the three default strategies: candles per second
 *                                      of wall time of the whole call (engine loop and the
 *                                      result it returns), min / median of BENCH_FAST_RUNS runs
 *   backtest.fast.cpuCandlesPerSec     the same runs per second of the process's CPU time (user +
 *                                      system): on a shared machine wall time mostly measures the
 *                                      other jobs, CPU time what the engine itself costs
 *   backtest.fast.wallMs / cpuMs       the runs' times (min / median)
 *   backtest.fast.engineOnly           the same with a strategy that does nothing (screen()
 *                                      says 'none'): the engine's own cost per candle (same keys)
 *   backtest.fast.loadAvg1m            the machine's 1-minute load average when the runs ended
 *   backtest.actors.candlesPerSec      the actor engine (real runtime, lock-step clock) on
 *                                      BENCH_ACTOR_DAYS days of the same data, each run in a
 *                                      process of its own with this process's node flags (the
 *                                      ones `npm run backtest` gives node, bench/run.ts), as a
 *                                      user's `npm run backtest -- --engine actors` runs: start-up,
 *                                      warm-up and compilation included, no year of data beside it
 *   backtest.actors.candlesPerCpuSec   the same per CPU second of that process (user + system)
 *   backtest.actors.cardFloor          XState's own cost of the strategy card, the floor under
 *                                      the actor engine: three actors of the card's shape with no
 *                                      application work (bench/support/cardShape.ts), real us per
 *                                      close of all three (`usPerClose`: a TICK cycle each and the
 *                                      cooldown timer's step) and the candles/s that leaves at
 *                                      most (`candlesPerSec`), each run in a process of its own
 *   decision.<strategy>.p50Us / p99Us  one decision (validate + indicators + signal + size)
 *
 *   npm run bench -- --only backtest   (BENCH_DAYS=365, BENCH_FAST_RUNS=5, BENCH_ACTOR_DAYS=30, BENCH_RUNS=3)
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { loadConfig } from '../config/load.ts';
import { runActorEngine } from '../src/backtest/actorEngine.ts';
import { runFastEngine } from '../src/backtest/fast/fastEngine.ts';
import type { BacktestInput } from '../src/backtest/input.ts';
import type { BacktestRun } from '../src/backtest/types.ts';
import { prepareConfig } from '../src/backtest/prepareRun.ts';
import { syntheticData } from '../src/backtest/syntheticData.ts';
import { StrategyKernel } from '../src/core/kernel/kernel.ts';
import type { AnyStrategyDefinition, IndicatorResult } from '../src/core/strategy/contract.ts';
import { getStrategy, STRATEGIES } from '../src/core/strategy/registry.ts';
import { cardShapeCostUs } from './support/cardShape.ts';

const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const ACTOR_DAYS = Number(process.env.BENCH_ACTOR_DAYS ?? 30);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FAST_RUNS = Number(process.env.BENCH_FAST_RUNS ?? 5);
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

// `node [flags] backtest.bench.mjs actors DAYS`: one actor-engine run, the child of the loop below.
if (process.argv[2] === 'actors') {
  const cpu0 = process.cpuUsage();
  const run = await runActorEngine(input(Number(process.argv[3])));
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${JSON.stringify({ candles: run.candlesProcessed, elapsedMs: run.elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
  process.exit(0);
}

/** Actors of the card's shape per close in `cardFloor`: the default presets on one symbol. */
const FLOOR_ACTORS = 3;
const FLOOR_CLOSES = 20_000;
// `node [flags] backtest.bench.mjs floor`: one measurement of the card's floor, the child of the loop below.
if (process.argv[2] === 'floor') {
  process.stdout.write(`${JSON.stringify({ usPerClose: cardShapeCostUs(FLOOR_ACTORS, FLOOR_CLOSES, FLOOR_CLOSES / 4) })}\n`);
  process.exit(0);
}

/** This bench in a fresh process (same node flags as this one), in one of the modes above; its JSON line. */
function child<T>(args: readonly string[]): T {
  const run = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, ...args], { encoding: 'utf8', timeout: 600_000 });
  const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
  if (run.status !== 0 || !line) throw new Error(`${args[0]} run failed (exit ${run.status}): ${run.stderr.slice(-2000)}`);
  return JSON.parse(line) as T;
}

/** One actor-engine run in a fresh process. */
const actorRun = (days: number) => child<{ candles: number; elapsedMs: number; cpuMs: number }>(['actors', String(days)]);

const stats = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: Math.round(sorted[0]!), median: Math.round(sorted[Math.floor(sorted.length / 2)]!), runs: sorted.length };
};

/** A strategy that costs nothing: what is left is the engine (validation, timeline, fills, bookkeeping). */
const RESULT: IndicatorResult = { candleStart: 0, close: 0, values: {} };
function nothing(def: AnyStrategyDefinition): AnyStrategyDefinition {
  return { ...def, initState: () => null, update: (s: unknown) => s, indicators: () => RESULT, screen: () => false };
}

/** One timed call: wall and CPU milliseconds around the whole engine call. */
interface Timed {
  readonly candles: number;
  readonly trades: number;
  readonly wallMs: number;
  readonly cpuMs: number;
}
function timed(run: () => BacktestRun): Timed {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { candles: result.candlesProcessed, trades: result.trades.length, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}
function speed(runs: readonly Timed[]) {
  const ms = (values: number[]) => {
    const s = stats(values);
    return { min: s.min, median: s.median };
  };
  return {
    candlesPerSec: stats(runs.map((r) => (r.candles / r.wallMs) * 1000)),
    cpuCandlesPerSec: stats(runs.map((r) => (r.candles / r.cpuMs) * 1000)),
    wallMs: ms(runs.map((r) => r.wallMs)),
    cpuMs: ms(runs.map((r) => r.cpuMs)),
  };
}

const year = input(DAYS);
const fast: Timed[] = [];
const engineOnly: Timed[] = [];
const bare = {
  resolve: (type: string) => {
    const def = getStrategy(type);
    return def ? nothing(def) : undefined;
  },
};
for (let r = 0; r < FAST_RUNS; r++) {
  fast.push(timed(() => runFastEngine(year)));
  engineOnly.push(timed(() => runFastEngine(year, bare)));
}
const loadAvg1m = Number(loadavg()[0]!.toFixed(2));
const trades = fast[0]!.trades;
const candles = year.data.get('BTCUSDT')!.series[0]!.length;

const actors: number[] = [];
// Per CPU second of the run's process as well: on a shared machine wall time includes waiting for a core.
const actorsCpu: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const run = actorRun(ACTOR_DAYS);
  actors.push((run.candles / run.elapsedMs) * 1000);
  actorsCpu.push((run.candles / run.cpuMs) * 1000);
}
const floorUs: number[] = [];
for (let r = 0; r < RUNS; r++) floorUs.push(child<{ usPerClose: number }>(['floor']).usPerClose);

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
      fast: { ...speed(fast), engineOnly: speed(engineOnly), candles, days: DAYS, presets: prepared.config.strategies.length, trades, loadAvg1m },
      actors: {
        candlesPerSec: stats(actors),
        candlesPerCpuSec: stats(actorsCpu),
        days: ACTOR_DAYS,
        nodeFlags: process.execArgv.join(' '),
        cardFloor: { usPerClose: stats(floorUs), candlesPerSec: stats(floorUs.map((us) => 1e6 / us)), actors: FLOOR_ACTORS, closes: FLOOR_CLOSES },
      },
    },
    decision,
    node: process.version,
  })}\n`,
);
process.exit(0);
