/**
 * ML filter latency (issue 17): the cost the filter adds to one entry decision, i.e. the
 * features (market, calendar with the zone via Intl, factors, regime) plus the model's
 * probability and the veto/scale step (MlFilter.apply), timed one decision at a time on a
 * seeded 1h series with the model's history loaded. Target: p99 <= 50 us. Prints one JSON
 * object with stable keys (min and median over BENCH_RUNS rounds):
 *
 *   ml.decision.p50Us / p99Us   { min, median }
 *   ml.decision.samples         decisions timed per round
 *
 *   npx tsx bench/ml.bench.ts        (BENCH_RUNS=5)
 */
import { gaussian, mulberry32 } from '../src/core/rng.ts';
import { DEFAULT_SESSION, FEATURE_COUNT, FEATURE_HISTORY, FEATURE_NAMES } from '../src/core/ml/features.ts';
import { MlFilter } from '../src/core/ml/filter.ts';
import type { SignalDecision } from '../src/core/strategy/contract.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const N = 20_000;
const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const random = mulberry32(17);
const weights = Array.from({ length: FEATURE_COUNT }, () => gaussian(random) * 0.3);
const model = {
  version: 'bench@v0001',
  presetId: 'bench',
  strategyType: 'range',
  features: [...FEATURE_NAMES],
  session: DEFAULT_SESSION,
  requiredCandles: FEATURE_HISTORY,
  mean: new Array<number>(FEATURE_COUNT).fill(0),
  scale: new Array<number>(FEATURE_COUNT).fill(1),
  weights,
  intercept: -0.2,
  threshold: 0.45,
};
const names = ['a', 'b', 'c'] as const;

function round(): { p50: number; p99: number } {
  const filter = new MlFilter({ model, settings: { mode: 'veto', minScale: 0.25 } });
  let price = 30_000;
  for (let i = 0; i < FEATURE_HISTORY + 10; i++) {
    price *= Math.exp(0.004 * gaussian(random));
    filter.update(price, 100 + 20 * random());
  }
  const times = new Float64Array(N);
  let sink = 0;
  for (let i = 0; i < N; i++) {
    price *= Math.exp(0.004 * gaussian(random));
    filter.update(price, 100 + 20 * random());
    const decision: SignalDecision = { action: i % 2 ? 'long' : 'short', price, stopLoss: price * 0.99, takeProfit: price * 1.02, factors: { a: random(), b: random(), c: random() }, score: 0.6, mode: 'full', reason: 'bench' };
    const t = START + (FEATURE_HISTORY + 10 + i) * HOUR;
    const t0 = process.hrtime.bigint();
    const out = filter.apply(decision, names, t, i % 5);
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
    sink += out.action === 'none' ? 1 : 0;
  }
  if (sink < 0) throw new Error('unreachable');
  const sorted = times.sort();
  return { p50: sorted[Math.floor(N * 0.5)]!, p99: sorted[Math.floor(N * 0.99)]! };
}

function stats(values: number[]): { min: number; median: number } {
  const s = [...values].sort((a, b) => a - b);
  return { min: Number(s[0]!.toFixed(2)), median: Number(s[Math.floor(s.length / 2)]!.toFixed(2)) };
}

const rounds = Array.from({ length: RUNS }, round);
process.stdout.write(`${JSON.stringify({ ml: { decision: { p50Us: stats(rounds.map((r) => r.p50)), p99Us: stats(rounds.map((r) => r.p99)), samples: N, runs: RUNS } }, node: process.version })}\n`);
