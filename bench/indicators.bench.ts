/**
 * Per-candle cost of each strategy's hot path, as a backtest kernel drives it:
 *   indicators = update() + indicators()          (the existing keys, min of the rounds)
 *   kernel     = indicators + screen() + signal() when screen() lets the candle through
 *   decision   = screen() on every candle + signal() where it passes, timed alone on copies
 *                of the same candles' indicator results
 * with 1 000 and 100 000 candles of history already in the state (updates are O(1), so the
 * two should differ by less than 20 %), min and median of ROUNDS rounds, and the bytes
 * allocated per candle in steady state (bench/support/allocation.ts explains the method).
 * Prints one JSON object.
 *
 *   npx tsx bench/indicators.bench.ts
 */
import type { Candle } from '../src/domain/types.ts';
import { gaussian, mulberry32 } from '../src/core/rng.ts';
import type { AnyStrategyDefinition, IndicatorResult } from '../src/core/strategy/contract.ts';
import { STRATEGIES } from '../src/core/strategy/registry.ts';
import { bytesAllocated } from './support/allocation.ts';

const SMALL = 1_000;
const LARGE = 100_000;
const PER_ROUND = 20_000;
const ROUNDS = 7;
const STEP = 5 * 60_000;

/** A mean-reverting 5m series with intrabar extremes and lognormal volume (seeded). */
function candles(count: number, seed: number): Candle[] {
  const random = mulberry32(seed);
  const out: Candle[] = [];
  let price = 30_000;
  for (let i = 0; i < count; i++) {
    const open = price;
    let high = price;
    let low = price;
    for (let k = 0; k < 4; k++) {
      price += 0.01 * (30_000 - price) + 30 * gaussian(random);
      high = Math.max(high, price);
      low = Math.min(low, price);
    }
    const volume = 50 * Math.exp(0.4 * gaussian(random));
    out.push({ start: Date.UTC(2024, 0, 1) + i * STEP, open, high, low, close: price, volume, turnover: volume * price });
  }
  return out;
}

let sink = 0;

/** A fresh state that has seen `list` (states are hot and updated in place: never reused across rounds). */
function stateAfter(def: AnyStrategyDefinition, params: unknown, list: readonly Candle[], count: number): unknown {
  let s = def.initState(params);
  for (let i = 0; i < count; i++) s = def.update(s, list[i]!, params);
  return s;
}

/** update() + indicators() over list[from, from + PER_ROUND). */
function runIndicators(def: AnyStrategyDefinition, params: unknown, state: unknown, list: readonly Candle[], from: number): void {
  let s = state;
  let acc = 0;
  for (let i = from; i < from + PER_ROUND; i++) {
    s = def.update(s, list[i]!, params);
    const ind = def.indicators(s, params);
    if (ind !== null) acc += ind.close;
  }
  sink += acc;
}

/** What a kernel does per candle: update, indicators, screen, and signal only when screen lets it through. */
function runKernel(def: AnyStrategyDefinition, params: unknown, state: unknown, list: readonly Candle[], from: number): number {
  let s = state;
  let passed = 0;
  let acc = 0;
  for (let i = from; i < from + PER_ROUND; i++) {
    s = def.update(s, list[i]!, params);
    const ind = def.indicators(s, params);
    if (ind === null) continue;
    if (def.screen !== undefined && !def.screen(ind, params)) continue;
    passed++;
    acc += def.signal(ind, params).score;
  }
  sink += acc;
  return passed;
}

interface Timing {
  readonly min: number;
  readonly median: number;
}

function timed(run: () => void): number {
  const t0 = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t0) / PER_ROUND;
}

/** ns per candle over ROUNDS rounds, each on a freshly built state (the build is not timed); one warm-up round first. */
function rounds(history: number, measure: (state: unknown) => number, build: (history: number) => unknown): Timing {
  measure(build(history));
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) samples.push(measure(build(history)));
  return minMedian(samples);
}

/** signal() alone on every candle (what an engine without screen() pays), ns per call. */
function signalEveryCandle(def: AnyStrategyDefinition, params: unknown, results: readonly IndicatorResult[]): number {
  let acc = 0;
  const t0 = process.hrtime.bigint();
  for (const ind of results) acc += def.signal(ind, params).score;
  sink += acc;
  return Number(process.hrtime.bigint() - t0) / results.length;
}

/** screen() on every candle, signal() where it passes: ns per candle. */
function decide(def: AnyStrategyDefinition, params: unknown, results: readonly IndicatorResult[]): number {
  let acc = 0;
  const t0 = process.hrtime.bigint();
  for (const ind of results) {
    if (def.screen !== undefined && !def.screen(ind, params)) continue;
    acc += def.signal(ind, params).score;
  }
  sink += acc;
  return Number(process.hrtime.bigint() - t0) / results.length;
}

function minMedian(samples: number[]): Timing {
  samples.sort((a, b) => a - b);
  return { min: Math.round(samples[0]!), median: Math.round(samples[Math.floor(samples.length / 2)]!) };
}

const series = candles(LARGE + PER_ROUND, 42);
const result: Record<string, unknown> = {};
const totals = { indicators: 0, decision: 0, kernel: 0, indicatorBytes: 0, kernelBytes: 0 };

for (const [type, def] of STRATEGIES) {
  const params = def.paramsSchema.parse({});
  const build = (history: number) => stateAfter(def, params, series, history);
  const indicators = (history: number) => rounds(history, (s) => timed(() => runIndicators(def, params, s, series, history)), build);
  const kernel = (history: number) => rounds(history, (s) => timed(() => runKernel(def, params, s, series, history)), build);
  const small = indicators(SMALL);
  const large = indicators(LARGE);
  const kernelSmall = kernel(SMALL);
  const kernelLarge = kernel(LARGE);

  const passed = runKernel(def, params, build(LARGE), series, LARGE);
  const captured: IndicatorResult[] = [];
  let s = build(LARGE);
  for (let i = LARGE; i < LARGE + PER_ROUND; i++) {
    s = def.update(s, series[i]!, params);
    const ind = def.indicators(s, params);
    if (ind) captured.push({ ...ind, values: { ...ind.values } });
  }
  signalEveryCandle(def, params, captured);
  const signalNs = Math.min(...Array.from({ length: 3 }, () => signalEveryCandle(def, params, captured)));
  decide(def, params, captured);
  const decision = minMedian(Array.from({ length: ROUNDS }, () => decide(def, params, captured)));

  const indicatorBytes = bytesAllocated(() => build(LARGE), (state) => runIndicators(def, params, state, series, LARGE));
  const kernelBytes = bytesAllocated(() => build(LARGE), (state) => runKernel(def, params, state, series, LARGE));

  result[type] = {
    nsPerCandleAt1k: small.min,
    nsPerCandleAt100k: large.min,
    ratio: Number((large.min / small.min).toFixed(3)),
    nsPerCandleAt1kMedian: small.median,
    nsPerCandleAt100kMedian: large.median,
    kernelNsPerCandleAt1k: kernelSmall,
    kernelNsPerCandleAt100k: kernelLarge,
    decisionNsPerCandleAt100k: decision,
    screenPassRate: Number((passed / PER_ROUND).toFixed(4)),
    signalNsPerCallWithoutScreen: Math.round(signalNs),
    bytesPerCandle: { indicators: Number((Math.max(0, indicatorBytes) / PER_ROUND).toFixed(2)), kernel: Number((Math.max(0, kernelBytes) / PER_ROUND).toFixed(2)) },
    bytesPerSignalCall: passed > 0 ? Math.round(Math.max(0, kernelBytes - indicatorBytes) / passed) : 0,
  };
  totals.indicators += large.min;
  totals.decision += decision.min;
  totals.kernel += kernelLarge.min;
  totals.indicatorBytes += Math.max(0, indicatorBytes) / PER_ROUND;
  totals.kernelBytes += Math.max(0, kernelBytes) / PER_ROUND;
}

process.stdout.write(
  `${JSON.stringify({
    strategies: result,
    allPresets: {
      indicatorsNsPerCandleAt100k: totals.indicators,
      decisionNsPerCandleAt100k: totals.decision,
      kernelNsPerCandleAt100k: totals.kernel,
      bytesPerCandle: { indicators: Number(totals.indicatorBytes.toFixed(2)), kernel: Number(totals.kernelBytes.toFixed(2)) },
    },
    allocationMethod:
      'V8 used heap after minus before, plus what every GC in between freed (GCProfiler), after a forced full GC, minus the same measurement of an empty function; the state (100k candles of history) is built outside the window; least of 7 windows of 20,000 candles (JIT work lands in single windows)',
    node: process.version,
    candlesPerRound: PER_ROUND,
    rounds: ROUNDS,
    checksum: Number.isFinite(sink),
  })}\n`,
);
