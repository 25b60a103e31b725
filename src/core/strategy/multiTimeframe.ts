import { z } from 'zod';
import type { Candle } from '../../domain/types.ts';
import { initAtr, nextAtr, readAtr, type AtrState } from '../indicators/atr.ts';
import { initEma, nextEma, readEma, type EmaState } from '../indicators/ema.ts';
import { initRsi, nextRsi, readRsi, type RsiState } from '../indicators/rsi.ts';
import { initAggregator, nextAggregator, type AggregatorState } from '../indicators/timeframeAggregator.ts';
import { isFiniteCandle, lastBar, type LastBar } from './candleInput.ts';
import { meanCloseOf, priceStats } from './candleStats.ts';
import type { IndicatorResult, SignalDecision, StrategyDefinition } from './contract.ts';
import { noTrade, readValues, tradeOrNone, type FactorSpec } from './decision.ts';
import { closeLocation, rampDown, rampUp } from './factors.ts';
import { fmt, stopBeyond, targetAtRewardRisk, type EntrySide } from './levels.ts';
import { baseParamsShape, historyCoversWarmup, periodParam, rangeParam } from './params.ts';

/**
 * Multi-timeframe trend following. The trend comes from a fast/slow EMA pair on higher
 * timeframe candles built from the base candles (aggregator: only CLOSED higher candles
 * count, so there is no look-ahead); entries are taken on the base timeframe in the trend's
 * direction on a pullback (RSI dip in an uptrend, RSI pop in a downtrend). Stop an ATR
 * multiple beyond the entry candle's extreme, target at takeProfitR x the risk.
 * Vetoes: no trend (EMA spread below minTrendAtr ATRs), no pullback, reward/risk too low.
 */

export const MTF_FACTORS: FactorSpec = { names: ['trendStrength', 'pullbackDepth', 'resumption'], weights: [0.4, 0.35, 0.25] };

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
};

export type MultiTimeframeParams = z.infer<z.ZodObject<typeof shape>>;

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

export interface MultiTimeframeState {
  readonly htf: AggregatorState;
  readonly fast: EmaState;
  readonly slow: EmaState;
  readonly rsi: RsiState;
  readonly atr: AtrState;
  readonly last: LastBar | null;
}

const VALUES = ['htfFastEma', 'htfSlowEma', 'rsi', 'atr', 'high', 'low'] as const;

function update(s: MultiTimeframeState, candle: Candle): MultiTimeframeState {
  if (!isFiniteCandle(candle)) return s;
  const htf = nextAggregator(s.htf, candle);
  let fast = s.fast;
  let slow = s.slow;
  for (const closed of htf.closed) {
    fast = nextEma(fast, closed.close);
    slow = nextEma(slow, closed.close);
  }
  return { htf, fast, slow, rsi: nextRsi(s.rsi, candle.close), atr: nextAtr(s.atr, candle), last: lastBar(candle) };
}

function indicators(s: MultiTimeframeState): IndicatorResult | null {
  const fast = readEma(s.fast);
  const slow = readEma(s.slow);
  const rsi = readRsi(s.rsi);
  const atr = readAtr(s.atr);
  if (!s.last || fast === null || slow === null || rsi === null || atr === null) return null;
  return {
    candleStart: s.last.start,
    close: s.last.close,
    values: { htfFastEma: fast, htfSlowEma: slow, rsi, atr, open: s.last.open, high: s.last.high, low: s.last.low },
  };
}

interface Setup {
  readonly spreadAtr: number;
  readonly pullback: number;
  readonly pullbackNeeded: boolean;
  readonly side: EntrySide;
}

/** Shared by signal and fallback: trend side from the spread, then the pullback test. */
function decide(mode: 'full' | 'degraded', p: MultiTimeframeParams, price: number, high: number, low: number, atr: number, setup: Setup, detail: string): SignalDecision {
  const { side, spreadAtr } = setup;
  const factors = [rampUp(Math.abs(spreadAtr), p.minTrendAtr, p.fullTrendAtr), setup.pullback, closeLocation(side, high, low, price)] as const;
  if (Math.abs(spreadAtr) < p.minTrendAtr) return noTrade(MTF_FACTORS, mode, price, `no trend: EMA spread ${fmt(spreadAtr)} ATR < ${p.minTrendAtr}; ${detail}`, factors);
  if (setup.pullbackNeeded) return noTrade(MTF_FACTORS, mode, price, `${side === 'long' ? 'uptrend' : 'downtrend'} without a pullback; ${detail}`, factors);
  const stop = stopBeyond(side, side === 'long' ? Math.min(low, price) : Math.max(high, price), atr, p.stopAtrMultiple);
  const target = targetAtRewardRisk(side, price, stop, p.takeProfitR);
  const why = `${mode === 'degraded' ? 'degraded: ' : ''}pullback in the ${side === 'long' ? 'up' : 'down'}trend; ${detail}`;
  return tradeOrNone(MTF_FACTORS, mode, { side, entry: price, stop, target, minRewardRisk: p.minRewardRisk }, factors, why);
}

function signal(ind: IndicatorResult, p: MultiTimeframeParams): SignalDecision {
  const r = readValues(ind, VALUES);
  if (!r.ok) return noTrade(MTF_FACTORS, 'full', ind.close, `missing indicator ${r.missing}`);
  const v = r.v;
  if (!(v.atr > 0)) return noTrade(MTF_FACTORS, 'full', ind.close, 'flat market: ATR is 0');
  const spreadAtr = (v.htfFastEma - v.htfSlowEma) / v.atr;
  const side: EntrySide = spreadAtr >= 0 ? 'long' : 'short';
  // 0.5 right at the threshold, 1 ten RSI points beyond it.
  const pullback = side === 'long' ? rampDown(v.rsi, p.pullbackRsiLong - 10, p.pullbackRsiLong + 10) : rampUp(v.rsi, p.pullbackRsiShort - 10, p.pullbackRsiShort + 10);
  const pullbackNeeded = side === 'long' ? v.rsi > p.pullbackRsiLong : v.rsi < p.pullbackRsiShort;
  const detail = `${p.higherTimeframeMinutes}m EMA ${p.fastEma}/${p.slowEma} ${fmt(v.htfFastEma)}/${fmt(v.htfSlowEma)}, RSI ${fmt(v.rsi)}`;
  return decide('full', p, ind.close, v.high, v.low, v.atr, { side, spreadAtr, pullback, pullbackNeeded }, detail);
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
  const side: EntrySide = spreadAtr >= 0 ? 'long' : 'short';
  const depthAtr = side === 'long' ? (fastMean - last.close) / atr : (last.close - fastMean) / atr;
  const detail = `close means ${fmt(fastMean)}/${fmt(slowMean)}, pullback ${fmt(depthAtr)} ATR`;
  return decide('degraded', p, last.close, last.high, last.low, atr, { side, spreadAtr, pullback: rampUp(depthAtr, 0, 2), pullbackNeeded: depthAtr <= 0 }, detail);
}

export const multiTimeframeStrategy: StrategyDefinition<MultiTimeframeParams, MultiTimeframeState> = {
  type: 'multiTimeframe',
  description: 'Higher-timeframe EMA trend (built from base candles), base-timeframe RSI pullback entries',
  factorNames: MTF_FACTORS.names,
  paramsSchema: MultiTimeframeParamsSchema,
  warmup: multiTimeframeWarmup,
  initState: (p) => ({
    htf: initAggregator(Number(p.interval) * 60_000, p.higherTimeframeMinutes * 60_000),
    fast: initEma(p.fastEma),
    slow: initEma(p.slowEma),
    rsi: initRsi(p.rsiPeriod),
    atr: initAtr(p.atrPeriod),
    last: null,
  }),
  update,
  indicators,
  signal,
  fallback,
};
