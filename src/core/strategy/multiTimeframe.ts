import { z } from 'zod';
import type { Candle } from '../../domain/types.ts';
import { meanCloseOf, priceStats } from './candleStats.ts';
import type { IndicatorResult, SignalDecision, StrategyDefinition } from './contract.ts';
import { confluenceParamsShape } from './confluence.ts';
import type { SearchSpace } from './searchSpace.ts';
import { confluenceOf, missingValue, noTrade, tradeOrNone, type FactorSpec } from './decision.ts';
import { closeLocation, rampDown, rampUp } from './factors.ts';
import { fmt, stopBeyond, targetAtRewardRisk, type EntrySide } from './levels.ts';
import { MultiTimeframeState } from './multiTimeframeIndicators.ts';
import { regimeCodeOf } from './regimeInput.ts';
import { baseParamsShape, historyCoversWarmup, periodParam, rangeParam } from './params.ts';

/**
 * Multi-timeframe trend following. The trend comes from a fast/slow EMA pair on higher
 * timeframe candles built from the base candles (aggregator: only CLOSED higher candles
 * count, so there is no look-ahead); entries are taken on the base timeframe in the trend's
 * direction on a pullback (RSI dip in an uptrend, RSI pop in a downtrend). Stop an ATR
 * multiple beyond the entry candle's extreme, target at takeProfitR x the risk.
 * Vetoes: no trend (EMA spread below minTrendAtr ATRs), no pullback, reward/risk too low.
 */

export const MTF_FACTORS: FactorSpec = {
  names: ['trendStrength', 'pullbackDepth', 'resumption'],
  weights: [0.4, 0.35, 0.25],
  // Trend following wants a trend in the entry's direction.
  regimeFit: { ranging: 0.25, withTrend: 1, againstTrend: 0, volatile: 0.25 },
  record: (trendStrength, pullbackDepth, resumption) => ({ trendStrength, pullbackDepth, resumption }),
};

const shape = {
  ...baseParamsShape({ historyCandles: 400, stopAtrMultiple: 1, minRewardRisk: 1.5 }),
  /** Minutes of the trend timeframe; a multiple of the base interval, larger than it. */
  higherTimeframeMinutes: z.number().int().min(2).max(1440).default(15),
  fastEma: periodParam(8, 200),
  slowEma: periodParam(21, 200),
  rsiPeriod: periodParam(14),
  /** Long entries need base RSI at or below this in an uptrend (a pullback)... */
  pullbackRsiLong: rangeParam(45, 5, 95),
  /** ...and short entries at or above this in a downtrend. */
  pullbackRsiShort: rangeParam(55, 5, 95),
  /** EMA spread (in base ATRs) below which there is no trend to follow. */
  minTrendAtr: rangeParam(0.25, 0, 50),
  /** EMA spread (in base ATRs) at which trendStrength reaches 1. */
  fullTrendAtr: rangeParam(2, 0, 100),
  takeProfitR: rangeParam(2, 0.1, 20),
  ...confluenceParamsShape(MTF_FACTORS.names),
};

export type MultiTimeframeParams = z.infer<z.ZodObject<typeof shape>>;

/** What `npm run optimize` searches by default: the trend EMAs and threshold, the pullback, the exits. */
export const MTF_SPACE: SearchSpace = {
  fastEma: { min: 4, max: 20, step: 1 },
  slowEma: { min: 15, max: 60, step: 3 },
  pullbackRsiLong: { min: 30, max: 50, step: 2 },
  pullbackRsiShort: { min: 50, max: 70, step: 2 },
  minTrendAtr: { min: 0, max: 1.5, step: 0.1 },
  takeProfitR: { min: 1.5, max: 4, step: 0.25 },
  stopAtrMultiple: { min: 0.5, max: 3, step: 0.25 },
};

export function timeframeRatio(p: Pick<MultiTimeframeParams, 'interval' | 'higherTimeframeMinutes'>): number {
  return Math.max(1, Math.round(p.higherTimeframeMinutes / Number(p.interval)));
}

export function multiTimeframeWarmup(p: MultiTimeframeParams): number {
  // Any `slowEma` x ratio consecutive base candles close at least `slowEma` higher candles.
  return Math.max(p.slowEma * timeframeRatio(p), p.rsiPeriod + 1, p.atrPeriod + 1);
}

export const MultiTimeframeParamsSchema = z.strictObject(shape).superRefine((p, ctx) => {
  const base = Number(p.interval);
  if (p.higherTimeframeMinutes % base !== 0 || p.higherTimeframeMinutes <= base) {
    ctx.addIssue({
      code: 'custom',
      path: ['higherTimeframeMinutes'],
      message: `higherTimeframeMinutes ${p.higherTimeframeMinutes} must be a multiple of the base interval ${base} and larger than it`,
    });
    return;
  }
  if (p.fastEma >= p.slowEma) ctx.addIssue({ code: 'custom', path: ['fastEma'], message: `fastEma ${p.fastEma} must be below slowEma ${p.slowEma}` });
  if (p.pullbackRsiLong > p.pullbackRsiShort) {
    ctx.addIssue({ code: 'custom', path: ['pullbackRsiLong'], message: `pullbackRsiLong ${p.pullbackRsiLong} must not exceed pullbackRsiShort ${p.pullbackRsiShort}` });
  }
  if (p.minTrendAtr >= p.fullTrendAtr) ctx.addIssue({ code: 'custom', path: ['minTrendAtr'], message: `minTrendAtr ${p.minTrendAtr} must be below fullTrendAtr ${p.fullTrendAtr}` });
  historyCoversWarmup(multiTimeframeWarmup)(p, ctx);
});

const VALUES = ['htfFastEma', 'htfSlowEma', 'rsi', 'atr', 'high', 'low'] as const;

/** The trend side of an EMA spread (in ATRs): long when the fast EMA is at or above the slow one. */
function trendSide(spreadAtr: number): EntrySide {
  return spreadAtr >= 0 ? 'long' : 'short';
}

/** True when the base RSI has not pulled back against the trend far enough to enter. */
function pullbackMissing(side: EntrySide, rsi: number, p: MultiTimeframeParams): boolean {
  return side === 'long' ? rsi > p.pullbackRsiLong : rsi < p.pullbackRsiShort;
}

interface Setup {
  readonly spreadAtr: number;
  readonly pullback: number;
  readonly pullbackNeeded: boolean;
  readonly side: EntrySide;
}

/** Shared by signal and fallback: trend side from the spread, then the pullback test. */
function decide(mode: 'full' | 'degraded', p: MultiTimeframeParams, price: number, high: number, low: number, atr: number, setup: Setup, detail: string, regime = 0, explain = true): SignalDecision {
  const { side, spreadAtr } = setup;
  const factors = [rampUp(Math.abs(spreadAtr), p.minTrendAtr, p.fullTrendAtr), setup.pullback, closeLocation(side, high, low, price)] as const;
  if (Math.abs(spreadAtr) < p.minTrendAtr) return noTrade(MTF_FACTORS, mode, price, explain ? `no trend: EMA spread ${fmt(spreadAtr)} ATR < ${p.minTrendAtr}; ${detail}` : '', factors);
  if (setup.pullbackNeeded) return noTrade(MTF_FACTORS, mode, price, explain ? `${side === 'long' ? 'uptrend' : 'downtrend'} without a pullback; ${detail}` : '', factors);
  const stop = stopBeyond(side, side === 'long' ? Math.min(low, price) : Math.max(high, price), atr, p.stopAtrMultiple);
  const target = targetAtRewardRisk(side, price, stop, p.takeProfitR);
  const why = explain ? `${mode === 'degraded' ? 'degraded: ' : ''}pullback in the ${side === 'long' ? 'up' : 'down'}trend; ${detail}` : '';
  return tradeOrNone(MTF_FACTORS, mode, { side, entry: price, stop, target, minRewardRisk: p.minRewardRisk }, factors, why, confluenceOf(MTF_FACTORS, p), regime, explain);
}

function signal(ind: IndicatorResult, p: MultiTimeframeParams, explain = true): SignalDecision {
  const missing = missingValue(ind, VALUES);
  if (missing !== null) return noTrade(MTF_FACTORS, 'full', ind.close, `missing indicator ${missing}`);
  const v = ind.values as Readonly<Record<(typeof VALUES)[number], number>>;
  if (!(v.atr > 0)) return noTrade(MTF_FACTORS, 'full', ind.close, 'flat market: ATR is 0');
  const spreadAtr = (v.htfFastEma - v.htfSlowEma) / v.atr;
  const side = trendSide(spreadAtr);
  // 0.5 right at the threshold, 1 ten RSI points beyond it.
  const pullback = side === 'long' ? rampDown(v.rsi, p.pullbackRsiLong - 10, p.pullbackRsiLong + 10) : rampUp(v.rsi, p.pullbackRsiShort - 10, p.pullbackRsiShort + 10);
  const pullbackNeeded = pullbackMissing(side, v.rsi, p);
  const detail = explain ? `${p.higherTimeframeMinutes}m EMA ${p.fastEma}/${p.slowEma} ${fmt(v.htfFastEma)}/${fmt(v.htfSlowEma)}, RSI ${fmt(v.rsi)}` : '';
  return decide('full', p, ind.close, v.high, v.low, v.atr, { side, spreadAtr, pullback, pullbackNeeded }, detail, regimeCodeOf(ind.values), explain);
}

/**
 * The hard vetoes of signal() alone, same numbers, same arithmetic: false only when signal()
 * certainly answers 'none' (no usable close or ATR, no trend, or no pullback). No allocation.
 */
function screen(ind: IndicatorResult, p: MultiTimeframeParams): boolean {
  const v = ind.values;
  const atr = v.atr as number;
  if (!(ind.close > 0) || !(atr > 0)) return false;
  const spreadAtr = ((v.htfFastEma as number) - (v.htfSlowEma as number)) / atr;
  if (!(Math.abs(spreadAtr) >= p.minTrendAtr)) return false;
  return !pullbackMissing(trendSide(spreadAtr), v.rsi as number, p);
}

/**
 * Degraded (B1.3), price only: simple means of the closes over the spans the higher EMAs
 * cover stand in for them, and "close below the fast mean" stands in for the RSI dip.
 */
function fallback(candles: readonly Candle[], p: MultiTimeframeParams): SignalDecision {
  const ratio = timeframeRatio(p);
  const price = candles[candles.length - 1]?.close ?? 0;
  const fastMean = meanCloseOf(candles, p.fastEma * ratio);
  const slowMean = meanCloseOf(candles, p.slowEma * ratio);
  const stats = priceStats(candles, p.atrPeriod + 1);
  if (fastMean === null || slowMean === null || !stats) {
    return noTrade(MTF_FACTORS, 'degraded', price, `fallback needs ${p.slowEma * ratio} candles, has ${candles.length}`);
  }
  const atr = stats.meanTrueRange;
  if (!(atr > 0)) return noTrade(MTF_FACTORS, 'degraded', price, 'flat market: no range');
  const last = stats.last;
  const spreadAtr = (fastMean - slowMean) / atr;
  const side = trendSide(spreadAtr);
  const depthAtr = side === 'long' ? (fastMean - last.close) / atr : (last.close - fastMean) / atr;
  const detail = `close means ${fmt(fastMean)}/${fmt(slowMean)}, pullback ${fmt(depthAtr)} ATR`;
  return decide('degraded', p, last.close, last.high, last.low, atr, { side, spreadAtr, pullback: rampUp(depthAtr, 0, 2), pullbackNeeded: depthAtr <= 0 }, detail);
}

export const multiTimeframeStrategy: StrategyDefinition<MultiTimeframeParams, MultiTimeframeState> = {
  type: 'multiTimeframe',
  description: 'Higher-timeframe EMA trend (built from base candles), base-timeframe RSI pullback entries',
  factorNames: MTF_FACTORS.names,
  paramsSchema: MultiTimeframeParamsSchema,
  searchSpace: MTF_SPACE,
  warmup: multiTimeframeWarmup,
  initState: (p) => new MultiTimeframeState(p),
  update: (s, candle) => s.update(candle),
  indicators: (s) => s.indicators(),
  screen,
  signal,
  fallback,
};
