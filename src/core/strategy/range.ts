import { z } from 'zod';
import type { Candle } from '../../domain/types.ts';
import { priceStats } from './candleStats.ts';
import type { IndicatorResult, SignalDecision, StrategyDefinition } from './contract.ts';
import { confluenceParamsShape } from './confluence.ts';
import type { SearchSpace } from './searchSpace.ts';
import { confluenceOf, missingValue, noTrade, tradeOrNone, type FactorSpec } from './decision.ts';
import { blend, closeLocation, rampDown } from './factors.ts';
import { fmt, stopBeyond, type EntrySide } from './levels.ts';
import { baseParamsShape, historyCoversWarmup, periodParam, rangeParam } from './params.ts';
import { RangeState } from './rangeIndicators.ts';
import { regimeCodeOf } from './regimeInput.ts';

/**
 * Range trading v1, the reference strategy. A range is a market with a low ADX; entries
 * are taken near its edges: the close at a Bollinger band (%B) AND in the outer part of the
 * Donchian box of the last hours: long near the lower band, short near the upper one,
 * target the middle (or opposite) band, stop an ATR multiple beyond the band or the
 * candle's extreme.
 * Only these veto a trade: price not at an edge (band and box), ADX at or above adxMax (a
 * trend), and reward/risk below minRewardRisk. Volume and momentum are SOFT (the user's complaint
 * was hard filters blocking trades without cause): a volume spike (breakout risk) lowers
 * rangeQuality, an RSI that does not confirm lowers momentum, and so the score and size.
 */

export const RANGE_FACTORS: FactorSpec = {
  names: ['rangeQuality', 'edgeProximity', 'momentum'],
  weights: [0.35, 0.3, 0.35],
  // A range strategy wants a range; a trend breaks ranges either way, a volatility burst worst.
  regimeFit: { ranging: 1, withTrend: 0.25, againstTrend: 0.25, volatile: 0 },
  record: (rangeQuality, edgeProximity, momentum) => ({ rangeQuality, edgeProximity, momentum }),
};

const shape = {
  ...baseParamsShape({ historyCandles: 200, stopAtrMultiple: 1, minRewardRisk: 1.5 }),
  bbPeriod: periodParam(20),
  bbStdDev: rangeParam(2, 0.5, 5),
  /** The range box: highest high / lowest low of this many candles (48 x 5m = 4 hours). */
  donchianPeriod: periodParam(48),
  /** Close within this fraction of the box's height from its bottom (long) or top (short). */
  boxEdgeZone: rangeParam(0.25, 0, 0.5),
  adxPeriod: periodParam(14, 200),
  /** ADX at or below this is a clean range (rangeQuality's ADX part = 1). */
  adxRanging: rangeParam(20, 0, 100),
  /** ADX at or above this is a trend: no range trade. */
  adxMax: rangeParam(32, 0, 100),
  rsiPeriod: periodParam(14),
  rsiOversold: rangeParam(30, 0, 50),
  rsiOverbought: rangeParam(70, 50, 100),
  volumePeriod: periodParam(20),
  /** Volume ratio up to this is calm; it lowers rangeQuality linearly up to volumeSpikeRatio. */
  volumeCalmRatio: rangeParam(1.5, 0, 100),
  volumeSpikeRatio: rangeParam(3, 0, 100),
  /** %B within this distance of 0 (long) or 1 (short) counts as "at the edge". */
  entryZone: rangeParam(0.05, 0, 0.5),
  target: z.enum(['middle', 'opposite']).default('middle'),
  /** Degraded fallback: position within the last donchianPeriod candles' range that counts as an edge. */
  fallbackEdgeZone: rangeParam(0.15, 0, 0.5),
  ...confluenceParamsShape(RANGE_FACTORS.names),
};

export type RangeParams = z.infer<z.ZodObject<typeof shape>>;

/** What `npm run optimize` searches by default: the band, the box, the trend veto, the exits. */
export const RANGE_SPACE: SearchSpace = {
  bbPeriod: { min: 10, max: 50, step: 2 },
  bbStdDev: { min: 1.5, max: 3, step: 0.25 },
  donchianPeriod: { min: 12, max: 96, step: 6 },
  boxEdgeZone: { min: 0.1, max: 0.4, step: 0.05 },
  adxMax: { min: 22, max: 45, step: 1 },
  entryZone: { min: 0, max: 0.2, step: 0.02 },
  stopAtrMultiple: { min: 0.5, max: 3, step: 0.25 },
  target: { values: ['middle', 'opposite'] },
};

export function rangeWarmup(p: RangeParams): number {
  return Math.max(p.bbPeriod, p.donchianPeriod, 2 * p.adxPeriod, p.rsiPeriod + 1, p.atrPeriod + 1, p.volumePeriod + 1);
}

export const RangeParamsSchema = z.strictObject(shape).superRefine((p, ctx) => {
  if (p.adxRanging >= p.adxMax) ctx.addIssue({ code: 'custom', path: ['adxRanging'], message: `adxRanging ${p.adxRanging} must be below adxMax ${p.adxMax}` });
  if (p.volumeCalmRatio >= p.volumeSpikeRatio) {
    ctx.addIssue({ code: 'custom', path: ['volumeCalmRatio'], message: `volumeCalmRatio ${p.volumeCalmRatio} must be below volumeSpikeRatio ${p.volumeSpikeRatio}` });
  }
  historyCoversWarmup(rangeWarmup)(p, ctx);
});

const VALUES = ['bbUpper', 'bbMiddle', 'bbLower', 'percentB', 'donchianUpper', 'donchianLower', 'adx', 'rsi', 'atr', 'volumeRatio', 'high', 'low'] as const;

/** The side a range trade would take: the nearer band. */
function sideOf(percentB: number): EntrySide {
  return percentB <= 0.5 ? 'long' : 'short';
}

/** Distance from the side's band in %B units (0 at the band, 0.5 mid-band). */
function edgeDistanceOf(side: EntrySide, percentB: number): number {
  return side === 'long' ? percentB : 1 - percentB;
}

/** Position of the close in the Donchian box: 0 at its low, 1 at its high, 0.5 when the box is flat. */
function boxPositionOf(price: number, upper: number, lower: number): number {
  const width = upper - lower;
  return width > 0 ? (price - lower) / width : 0.5;
}

function boxDistanceOf(side: EntrySide, boxPosition: number): number {
  return side === 'long' ? boxPosition : 1 - boxPosition;
}

function signal(ind: IndicatorResult, p: RangeParams, explain = true): SignalDecision {
  const missing = missingValue(ind, VALUES);
  if (missing !== null) return noTrade(RANGE_FACTORS, 'full', ind.close, `missing indicator ${missing}`);
  const v = ind.values as Readonly<Record<(typeof VALUES)[number], number>>;
  const price = ind.close;
  if (!(v.bbUpper > v.bbLower) || !(v.atr > 0)) return noTrade(RANGE_FACTORS, 'full', price, 'flat market: the bands have collapsed');
  // The nearer edge decides the side we score, so a 'none' still shows how close a trade was.
  const side = sideOf(v.percentB);
  const edgeDistance = edgeDistanceOf(side, v.percentB);
  const dcPos = boxPositionOf(price, v.donchianUpper, v.donchianLower);
  const dcDistance = boxDistanceOf(side, dcPos);
  const zone = Math.max(p.entryZone, 1e-9);
  const rangeQuality = blend([
    [rampDown(v.adx, p.adxRanging, p.adxMax), 0.7],
    [rampDown(v.volumeRatio, p.volumeCalmRatio, p.volumeSpikeRatio), 0.3],
  ]);
  const edgeProximity = blend([
    [rampDown(edgeDistance, 0, 2 * zone), 0.6],
    [rampDown(dcDistance, 0, Math.max(p.boxEdgeZone, 1e-9)), 0.4],
  ]);
  const rsiPart = side === 'long' ? rampDown(v.rsi, p.rsiOversold, 50) : rampDown(100 - v.rsi, 100 - p.rsiOverbought, 50);
  const momentum = blend([
    [rsiPart, 0.7],
    [closeLocation(side, v.high, v.low, price), 0.3],
  ]);
  const factors = [rangeQuality, edgeProximity, momentum] as const;
  if (v.adx >= p.adxMax) return noTrade(RANGE_FACTORS, 'full', price, explain ? `trending, not ranging: ADX ${fmt(v.adx)} >= ${p.adxMax}` : '', factors);
  if (edgeDistance > p.entryZone) return noTrade(RANGE_FACTORS, 'full', price, explain ? `inside the bands: %B ${fmt(v.percentB)} not within ${p.entryZone} of an edge` : '', factors);
  if (dcDistance > p.boxEdgeZone) return noTrade(RANGE_FACTORS, 'full', price, explain ? `at a band but mid-box: ${fmt(dcPos)} of the ${p.donchianPeriod}-candle range` : '', factors);
  const stop = side === 'long' ? stopBeyond(side, Math.min(v.bbLower, v.low), v.atr, p.stopAtrMultiple) : stopBeyond(side, Math.max(v.bbUpper, v.high), v.atr, p.stopAtrMultiple);
  const target = p.target === 'middle' ? v.bbMiddle : side === 'long' ? v.bbUpper : v.bbLower;
  const why = explain ? `${side === 'long' ? 'lower' : 'upper'} band: %B ${fmt(v.percentB)}, ADX ${fmt(v.adx)}, RSI ${fmt(v.rsi)}, volume x${fmt(v.volumeRatio)}` : '';
  return tradeOrNone(RANGE_FACTORS, 'full', { side, entry: price, stop, target, minRewardRisk: p.minRewardRisk }, factors, why, confluenceOf(RANGE_FACTORS, p), regimeCodeOf(ind.values), explain);
}

/**
 * The hard vetoes of signal() alone, on the same numbers with the same arithmetic: false
 * only when signal() certainly answers 'none' (a missing or non-finite value, collapsed
 * bands, ADX at or above adxMax, price not at a band, or mid-box). No allocation.
 */
function screen(ind: IndicatorResult, p: RangeParams): boolean {
  const v = ind.values;
  const price = ind.close;
  const percentB = v.percentB as number;
  if (!(price > 0) || !((v.adx as number) < p.adxMax)) return false;
  if (!((v.bbUpper as number) > (v.bbLower as number)) || !((v.atr as number) > 0)) return false;
  const side = sideOf(percentB);
  if (!(edgeDistanceOf(side, percentB) <= p.entryZone)) return false;
  return boxDistanceOf(side, boxPositionOf(price, v.donchianUpper as number, v.donchianLower as number)) <= p.boxEdgeZone;
}

/** Degraded (B1.3): position of the close in the last donchianPeriod candles' range; price only. */
function fallback(candles: readonly Candle[], p: RangeParams): SignalDecision {
  const stats = priceStats(candles, p.donchianPeriod);
  const price = candles[candles.length - 1]?.close ?? 0;
  if (!stats || stats.count < p.donchianPeriod) return noTrade(RANGE_FACTORS, 'degraded', price, `fallback needs ${p.donchianPeriod} candles, has ${candles.length}`);
  const width = stats.high - stats.low;
  const last = stats.last;
  if (!(width > 0) || !(stats.meanTrueRange > 0)) return noTrade(RANGE_FACTORS, 'degraded', last.close, 'flat market: no range');
  const pos = (last.close - stats.low) / width;
  const side: EntrySide = pos <= 0.5 ? 'long' : 'short';
  const edgeDistance = side === 'long' ? pos : 1 - pos;
  // Net drift small relative to the range = ranging rather than trending.
  const rangeQuality = 1 - Math.min(1, Math.abs(last.close - stats.first.close) / width);
  const factors = [rangeQuality, rampDown(edgeDistance, 0, 2 * Math.max(p.fallbackEdgeZone, 1e-9)), closeLocation(side, last.high, last.low, last.close)] as const;
  if (edgeDistance > p.fallbackEdgeZone) return noTrade(RANGE_FACTORS, 'degraded', last.close, `inside the recent range (position ${fmt(pos)})`, factors);
  const stop = stopBeyond(side, side === 'long' ? stats.low : stats.high, stats.meanTrueRange, p.stopAtrMultiple);
  const target = p.target === 'middle' ? (stats.high + stats.low) / 2 : side === 'long' ? stats.high : stats.low;
  const why = `degraded: close at ${fmt(pos)} of the last ${stats.count} candles' range`;
  return tradeOrNone(RANGE_FACTORS, 'degraded', { side, entry: last.close, stop, target, minRewardRisk: p.minRewardRisk }, factors, why, confluenceOf(RANGE_FACTORS, p));
}

export const rangeStrategy: StrategyDefinition<RangeParams, RangeState> = {
  type: 'range',
  description: 'Range trading v1: Bollinger/Donchian edges in a low-ADX market, soft volume and RSI filters',
  factorNames: RANGE_FACTORS.names,
  paramsSchema: RangeParamsSchema,
  searchSpace: RANGE_SPACE,
  warmup: rangeWarmup,
  initState: (p) => new RangeState(p),
  update: (s, candle) => s.update(candle),
  indicators: (s) => s.indicators(),
  screen,
  signal,
  fallback,
};
