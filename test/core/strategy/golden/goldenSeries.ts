import type { Candle } from '../../../../src/domain/types.ts';
import { gaussian, hashString, mulberry32 } from '../../../../src/core/rng.ts';
import type { AnyStrategyDefinition } from '../../../../src/core/strategy/contract.ts';

/**
 * The decision regression's input and its recorder. The series is synthetic (seeded, no
 * market data) and deliberately mixed so every strategy meets every branch: ranging,
 * trending and calm regimes of a BTC-sized price, volume spikes, a flat stretch with zero
 * volume, gaps (missing candles) and candles with non-finite fields that must be skipped.
 */

export const GOLDEN_SEED = 20_260_514;
export const GOLDEN_COUNT = 20_000;
const STEP = 5 * 60_000;
const T0 = Date.UTC(2024, 2, 1);

type Regime = 'range' | 'up' | 'down' | 'calm' | 'wild';
const REGIMES: readonly Regime[] = ['range', 'up', 'range', 'down', 'calm', 'wild'];

export function goldenCandles(seed = GOLDEN_SEED, count = GOLDEN_COUNT): Candle[] {
  const random = mulberry32(seed);
  const out: Candle[] = [];
  let price = 30_000;
  let start = T0;
  let regime: Regime = 'range';
  let left = 0;
  let anchor = price;
  while (out.length < count) {
    if (left <= 0) {
      regime = REGIMES[Math.floor(random() * REGIMES.length)]!;
      left = 300 + Math.floor(random() * 1200);
      anchor = price;
    }
    left--;
    const i = out.length;
    // A flat stretch (no trades at all, then trades at one price) every 7,000 candles.
    if (i % 7_000 >= 3_000 && i % 7_000 < 3_060) {
      const volume = i % 7_000 < 3_030 ? 0 : 10;
      out.push({ start, open: price, high: price, low: price, close: price, volume, turnover: volume * price });
      start += STEP;
      continue;
    }
    // A gap of 1 to 6 missing candles now and then (the aggregator and the session VWAP see it).
    if (random() < 0.0015) start += STEP * (1 + Math.floor(random() * 6));
    const vol = regime === 'calm' ? 4 : regime === 'wild' ? 45 : 18;
    const drift = regime === 'up' ? 2.5 : regime === 'down' ? -2.5 : 0;
    const theta = regime === 'range' || regime === 'calm' ? 0.03 : 0;
    const open = price;
    let high = price;
    let low = price;
    for (let k = 0; k < 4; k++) {
      price += (theta * (anchor - price)) / 4 + drift / 4 + (vol / 2) * gaussian(random);
      price = Math.max(price, 1_000);
      high = Math.max(high, price);
      low = Math.min(low, price);
    }
    const spike = random() < 0.02 ? 4 + 4 * random() : 1;
    const volume = 50 * spike * Math.exp(0.4 * gaussian(random));
    const candle: Candle = { start, open, high, low, close: price, volume, turnover: volume * price };
    // Now and then a candle with a non-finite field: strategies must skip it.
    const bad = random() < 0.001 ? Math.floor(random() * 3) : -1;
    if (bad === 0) out.push({ ...candle, close: Number.NaN });
    else if (bad === 1) out.push({ ...candle, volume: Number.POSITIVE_INFINITY });
    else if (bad === 2) out.push({ ...candle, high: Number.NaN, low: Number.NEGATIVE_INFINITY });
    else out.push(candle);
    start += STEP;
  }
  return out;
}

export interface GoldenRun {
  readonly name: string;
  readonly type: string;
  /** Raw params (defaults filled by the strategy's schema). */
  readonly params: Record<string, unknown>;
}

export const GOLDEN_RUNS: readonly GoldenRun[] = [
  { name: 'range-default', type: 'range', params: {} },
  { name: 'range-custom', type: 'range', params: { bbPeriod: 30, bbStdDev: 2.5, donchianPeriod: 24, adxPeriod: 10, adxRanging: 25, adxMax: 40, entryZone: 0.01, boxEdgeZone: 0.15, target: 'opposite', minRewardRisk: 1.2 } },
  { name: 'multiTimeframe-default', type: 'multiTimeframe', params: {} },
  { name: 'multiTimeframe-custom', type: 'multiTimeframe', params: { higherTimeframeMinutes: 60, fastEma: 5, slowEma: 13, rsiPeriod: 9, atrPeriod: 10, pullbackRsiLong: 38, pullbackRsiShort: 62, minTrendAtr: 0.5, takeProfitR: 1.6, minRewardRisk: 1.2 } },
  { name: 'volumeVwap-default', type: 'volumeVwap', params: {} },
  { name: 'volumeVwap-custom', type: 'volumeVwap', params: { deviationMode: 'pct', deviationPct: 0.3, minVolumeRatio: 1.2, volumePeriod: 30, minSessionCandles: 24, stdFloorAtr: 1, minRewardRisk: 1 } },
];

/** Every `SAMPLE_EVERY`-th candle records the full indicator values, factors and reason (the file stays small). */
export const SAMPLE_EVERY = 250;
/** Scores are compared as one hash per block of this many candles (exact integers, so a hash is exact). */
export const SCORE_BLOCK = 250;

export interface GoldenSample {
  readonly index: number;
  readonly candleStart: number;
  readonly close: number;
  readonly values: Record<string, number>;
  readonly factors: Record<string, number>;
  readonly reason: string;
}

/** Every long or short, column by column (the action and score are in `actions` / `scores`). */
export interface GoldenTrades {
  readonly index: number[];
  readonly stopLoss: number[];
  readonly takeProfit: number[];
}

export interface GoldenRecord {
  readonly name: string;
  readonly type: string;
  readonly params: unknown;
  /** One character per candle: '.' warming up (no indicators), 'n' none, 'L' long, 'S' short. */
  readonly actions: string;
  /** FNV-1a of the scores x 10^4 (scores carry 4 decimals) of each block of SCORE_BLOCK candles. */
  readonly scoreHashes: readonly number[];
  readonly trades: GoldenTrades;
  readonly samples: readonly GoldenSample[];
}

/**
 * Feeds the candles one at a time through update -> indicators -> signal, exactly as a
 * backtest kernel does, and records what came out. `onCandle` sees every step (the test
 * uses it to hold screen() to its promise on the same data).
 */
export function recordRun(
  def: AnyStrategyDefinition,
  run: GoldenRun,
  candles: readonly Candle[],
  onCandle?: (index: number, indicators: ReturnType<AnyStrategyDefinition['indicators']>, action: string) => void,
): GoldenRecord {
  const params = def.paramsSchema.parse(run.params) as unknown;
  let state = def.initState(params);
  let actions = '';
  const scores: number[] = [];
  const trades: GoldenTrades = { index: [], stopLoss: [], takeProfit: [] };
  const samples: GoldenSample[] = [];
  candles.forEach((candle, index) => {
    state = def.update(state, candle, params);
    const ind = def.indicators(state, params);
    if (ind === null) {
      actions += '.';
      onCandle?.(index, null, 'warmup');
      return;
    }
    // Copy what we keep: the result may be reused by the state on the next update.
    const values = { ...ind.values };
    const d = def.signal(ind, params);
    onCandle?.(index, ind, d.action);
    actions += d.action === 'long' ? 'L' : d.action === 'short' ? 'S' : 'n';
    scores.push(Math.round(d.score * 1e4));
    if (d.action !== 'none') {
      trades.index.push(index);
      trades.stopLoss.push(d.stopLoss);
      trades.takeProfit.push(d.takeProfit);
    }
    if (index % SAMPLE_EVERY === 0) {
      samples.push({ index, candleStart: ind.candleStart, close: ind.close, values, factors: { ...d.factors }, reason: d.reason });
    }
  });
  const scoreHashes: number[] = [];
  for (let i = 0; i < scores.length; i += SCORE_BLOCK) scoreHashes.push(hashString(scores.slice(i, i + SCORE_BLOCK).join(',')));
  return { name: run.name, type: run.type, params, actions, scoreHashes, trades, samples };
}
