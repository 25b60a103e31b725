/**
 * Per-candle cost of each strategy's update() + indicators() with 1 000 and 100 000
 * candles of history already in the state. Updates are O(1) in history (O(period) at
 * most), so the two figures should differ by less than 20 %. Prints one JSON object.
 *
 *   npx tsx bench/indicators.bench.ts
 */
import type { Candle } from '../src/domain/types.ts';
import { gaussian, mulberry32 } from '../src/core/rng.ts';
import type { AnyStrategyDefinition } from '../src/core/strategy/contract.ts';
import { STRATEGIES } from '../src/core/strategy/registry.ts';

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

function feed(def: AnyStrategyDefinition, params: unknown, state: unknown, list: readonly Candle[]): unknown {
  let s = state;
  for (const c of list) s = def.update(s, c, params);
  return s;
}

/** Nanoseconds per candle for update() + indicators() over `next`, starting from `state` (immutable, so reusable). */
function timeRound(def: AnyStrategyDefinition, params: unknown, state: unknown, next: readonly Candle[]): number {
  const t0 = process.hrtime.bigint();
  let s = state;
  for (const c of next) {
    s = def.update(s, c, params);
    sink += def.indicators(s, params)?.close ?? 0;
  }
  return Number(process.hrtime.bigint() - t0) / next.length;
}

const series = candles(LARGE + PER_ROUND, 42);
const result: Record<string, { nsPerCandleAt1k: number; nsPerCandleAt100k: number; ratio: number }> = {};

for (const [type, def] of STRATEGIES) {
  const params = def.paramsSchema.parse({});
  const atSmall = feed(def, params, def.initState(params), series.slice(0, SMALL));
  const atLarge = feed(def, params, def.initState(params), series.slice(0, LARGE));
  const nextSmall = series.slice(SMALL, SMALL + PER_ROUND);
  const nextLarge = series.slice(LARGE, LARGE + PER_ROUND);
  // Warm the JIT on both paths before measuring.
  timeRound(def, params, atSmall, nextSmall);
  timeRound(def, params, atLarge, nextLarge);
  let bestSmall = Number.POSITIVE_INFINITY;
  let bestLarge = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    bestSmall = Math.min(bestSmall, timeRound(def, params, atSmall, nextSmall));
    bestLarge = Math.min(bestLarge, timeRound(def, params, atLarge, nextLarge));
  }
  result[type] = {
    nsPerCandleAt1k: Math.round(bestSmall),
    nsPerCandleAt100k: Math.round(bestLarge),
    ratio: Number((bestLarge / bestSmall).toFixed(3)),
  };
}

process.stdout.write(
  `${JSON.stringify({ strategies: result, node: process.version, candlesPerRound: PER_ROUND, rounds: ROUNDS, checksum: Number.isFinite(sink) })}\n`,
);
