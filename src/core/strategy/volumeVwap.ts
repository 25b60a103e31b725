import { z } from 'zod';
import type { Candle } from '../../domain/types.ts';
import { utcDayStart } from '../data/utcTime.ts';
import { typicalPrice } from '../indicators/sessionVwap.ts';
import { priceStats } from './candleStats.ts';
import type { IndicatorResult, SignalDecision, StrategyDefinition } from './contract.ts';
import { confluenceParamsShape } from './confluence.ts';
import type { SearchSpace } from './searchSpace.ts';
import { confluenceOf, missingValue, noTrade, tradeOrNone, type FactorSpec } from './decision.ts';
import { closeLocation, rampUp } from './factors.ts';
import { fmt, stopBeyond, type EntrySide } from './levels.ts';
import { regimeCodeOf } from './regimeInput.ts';
import { baseParamsShape, historyCoversWarmup, periodParam, rangeParam } from './params.ts';
import { VolumeVwapState } from './volumeVwapIndicators.ts';

/**
 * Session VWAP reversion: when price is stretched far from the UTC-session VWAP (in
 * standard deviations of typical price around it, or in %), trade back toward the VWAP.
 * A volume spike confirms the exhaustion but is SOFT by default (it raises the volumeSpike
 * factor; `minVolumeRatio` > 0 turns it into a hard requirement). Stop an ATR multiple
 * beyond the candle's extreme; target the VWAP itself.
 * Early in a session the VWAP rests on a few candles and its deviation is tiny, so entries
 * wait for minSessionCandles, and the deviation unit is floored at stdFloorAtr x ATR.
 */

export const VWAP_FACTORS: FactorSpec = {
  names: ['vwapStretch', 'volumeSpike', 'reversal'],
  weights: [0.4, 0.3, 0.3],
  // Reversion to the VWAP works best in a range; a trend keeps pushing price away from it.
  regimeFit: { ranging: 1, withTrend: 0.5, againstTrend: 0.5, volatile: 0.25 },
  record: (vwapStretch, volumeSpike, reversal) => ({ vwapStretch, volumeSpike, reversal }),
};

const shape = {
  ...baseParamsShape({ historyCandles: 300, stopAtrMultiple: 1, minRewardRisk: 1.5 }),
  deviationMode: z.enum(['std', 'pct']).default('std'),
  /** Entry stretch in standard deviations (deviationMode 'std'). */
  deviationStd: rangeParam(2, 0.1, 10),
  /** Entry stretch in % of the VWAP (deviationMode 'pct'). */
  deviationPct: rangeParam(0.5, 0.01, 50),
  stdFloorAtr: rangeParam(0.5, 0, 10),
  minSessionCandles: z.number().int().min(1).max(1440).default(12),
  volumePeriod: periodParam(20),
  /** Volume ratio at which volumeSpike reaches 1 (it is 0 at or below the mean). */
  volumeSpikeRatio: rangeParam(2, 1.01, 100),
  /** Hard floor on the volume ratio; 0 keeps volume a soft factor only. */
  minVolumeRatio: rangeParam(0, 0, 100),
  ...confluenceParamsShape(VWAP_FACTORS.names),
};

export type VolumeVwapParams = z.infer<z.ZodObject<typeof shape>>;

/** What `npm run optimize` searches by default: the stretch, its floor, the volume rules, the stop. */
export const VWAP_SPACE: SearchSpace = {
  deviationStd: { min: 1, max: 3.5, step: 0.25 },
  stdFloorAtr: { min: 0, max: 2, step: 0.25 },
  volumeSpikeRatio: { min: 1.5, max: 4, step: 0.5 },
  minVolumeRatio: { min: 0, max: 2, step: 0.25 },
  stopAtrMultiple: { min: 0.5, max: 3, step: 0.25 },
};

export function volumeVwapWarmup(p: VolumeVwapParams): number {
  return Math.max(p.volumePeriod + 1, p.atrPeriod + 1, p.minSessionCandles);
}

export const VolumeVwapParamsSchema = z.strictObject(shape).superRefine((p, ctx) => {
  const perDay = 1440 / Number(p.interval);
  if (p.minSessionCandles > perDay) {
    ctx.addIssue({ code: 'custom', path: ['minSessionCandles'], message: `minSessionCandles ${p.minSessionCandles} exceeds the ${perDay} candles of a UTC day at interval ${p.interval}` });
  }
  historyCoversWarmup(volumeVwapWarmup)(p, ctx);
});

const VALUES = ['vwap', 'vwapStdDev', 'sessionCandles', 'volumeRatio', 'atr', 'high', 'low'] as const;

/** The deviation unit: the session's standard deviation, floored at stdFloorAtr x ATR. */
function deviationUnit(p: VolumeVwapParams, stdDev: number, atr: number): number {
  return Math.max(stdDev, p.stdFloorAtr * atr);
}

/** How far the close is from the mean: in units (deviationMode 'std') or in % of the mean ('pct'). */
function deviationOf(p: VolumeVwapParams, close: number, mean: number, unit: number): number {
  return p.deviationMode === 'std' ? (unit > 0 ? (close - mean) / unit : 0) : ((close - mean) / mean) * 100;
}

function thresholdOf(p: VolumeVwapParams): number {
  return p.deviationMode === 'std' ? p.deviationStd : p.deviationPct;
}

interface Stretch {
  readonly mean: number;
  readonly stdDev: number;
  readonly sessionCandles: number;
  readonly atr: number;
  /** null in degraded mode: volume is not trusted there. */
  readonly volumeRatio: number | null;
  /** REGIME_CODE (0 = unknown: no regime block, or degraded). */
  readonly regime?: number;
}

/** Shared by signal and fallback: how stretched the close is from the mean, and the trade back to it. */
function decide(mode: 'full' | 'degraded', p: VolumeVwapParams, close: number, high: number, low: number, st: Stretch, explain = true): SignalDecision {
  const unit = deviationUnit(p, st.stdDev, st.atr);
  const deviation = deviationOf(p, close, st.mean, unit);
  const threshold = thresholdOf(p);
  const side: EntrySide = deviation <= 0 ? 'long' : 'short';
  const volumeSpike = st.volumeRatio === null ? 0 : rampUp(st.volumeRatio, 1, p.volumeSpikeRatio);
  const factors = [Math.min(1, Math.abs(deviation) / (2 * threshold)), volumeSpike, closeLocation(side, high, low, close)] as const;
  const unitName = p.deviationMode === 'std' ? 'sd' : '%';
  const detail = explain ? `close ${fmt(close)} is ${fmt(deviation)}${unitName} from ${mode === 'full' ? 'VWAP' : 'the session mean'} ${fmt(st.mean)}` : '';
  if (st.sessionCandles < p.minSessionCandles) return noTrade(VWAP_FACTORS, mode, close, explain ? `session too young: ${st.sessionCandles} of ${p.minSessionCandles} candles` : '', factors);
  if (!(st.atr > 0) || !(unit > 0)) return noTrade(VWAP_FACTORS, mode, close, 'flat market: no deviation unit', factors);
  if (Math.abs(deviation) < threshold) return noTrade(VWAP_FACTORS, mode, close, explain ? `not stretched: ${detail} (needs ${threshold}${unitName})` : '', factors);
  if (st.volumeRatio !== null && st.volumeRatio < p.minVolumeRatio) {
    return noTrade(VWAP_FACTORS, mode, close, explain ? `volume ratio ${fmt(st.volumeRatio)} below minVolumeRatio ${p.minVolumeRatio}` : '', factors);
  }
  const stop = stopBeyond(side, side === 'long' ? low : high, st.atr, p.stopAtrMultiple);
  const why = explain ? `${mode === 'degraded' ? 'degraded: ' : ''}${detail}${st.volumeRatio === null ? '' : `, volume x${fmt(st.volumeRatio)}`}` : '';
  return tradeOrNone(VWAP_FACTORS, mode, { side, entry: close, stop, target: st.mean, minRewardRisk: p.minRewardRisk }, factors, why, confluenceOf(VWAP_FACTORS, p), st.regime ?? 0, explain);
}

function signal(ind: IndicatorResult, p: VolumeVwapParams, explain = true): SignalDecision {
  const missing = missingValue(ind, VALUES);
  if (missing !== null) return noTrade(VWAP_FACTORS, 'full', ind.close, `missing indicator ${missing}`);
  const v = ind.values as Readonly<Record<(typeof VALUES)[number], number>>;
  return decide('full', p, ind.close, v.high, v.low, { mean: v.vwap, stdDev: v.vwapStdDev, sessionCandles: v.sessionCandles, atr: v.atr, volumeRatio: v.volumeRatio, regime: regimeCodeOf(ind.values) }, explain);
}

/**
 * The hard vetoes of signal() alone, same numbers, same arithmetic: false only when signal()
 * certainly answers 'none' (no usable close, session too young, no deviation unit, not
 * stretched enough, or volume below a hard minVolumeRatio). No allocation.
 */
function screen(ind: IndicatorResult, p: VolumeVwapParams): boolean {
  const v = ind.values;
  const close = ind.close;
  const atr = v.atr as number;
  if (!(close > 0) || !((v.sessionCandles as number) >= p.minSessionCandles) || !(atr > 0)) return false;
  const unit = deviationUnit(p, v.vwapStdDev as number, atr);
  if (!(unit > 0)) return false;
  if (!(Math.abs(deviationOf(p, close, v.vwap as number, unit)) >= thresholdOf(p))) return false;
  return !((v.volumeRatio as number) < p.minVolumeRatio);
}

/**
 * Degraded (B1.3): the volume weights are exactly what degraded data cannot be trusted
 * for, so the session's plain mean and standard deviation of typical price replace the
 * VWAP, the mean true range replaces ATR, and volumeSpike is 0.
 */
function fallback(candles: readonly Candle[], p: VolumeVwapParams): SignalDecision {
  const last = candles[candles.length - 1];
  if (!last) return noTrade(VWAP_FACTORS, 'degraded', 0, 'no candles');
  const day = utcDayStart(last.start);
  const session = candles.filter((c) => c.start >= day);
  const stats = priceStats(candles, p.atrPeriod + 1);
  if (!stats || session.length === 0) return noTrade(VWAP_FACTORS, 'degraded', last.close, `fallback needs ${p.atrPeriod + 1} candles, has ${candles.length}`);
  let sum = 0;
  for (const c of session) sum += typicalPrice(c);
  const mean = sum / session.length;
  let squares = 0;
  for (const c of session) squares += (typicalPrice(c) - mean) ** 2;
  const stdDev = Math.sqrt(squares / session.length);
  return decide('degraded', p, last.close, last.high, last.low, { mean, stdDev, sessionCandles: session.length, atr: stats.meanTrueRange, volumeRatio: null });
}

export const volumeVwapStrategy: StrategyDefinition<VolumeVwapParams, VolumeVwapState> = {
  type: 'volumeVwap',
  description: 'Session VWAP reversion: stretched price (sd or %) back to VWAP, volume spike as soft confirmation',
  factorNames: VWAP_FACTORS.names,
  paramsSchema: VolumeVwapParamsSchema,
  searchSpace: VWAP_SPACE,
  warmup: volumeVwapWarmup,
  initState: (p) => new VolumeVwapState(p),
  update: (s, candle) => s.update(candle),
  indicators: (s) => s.indicators(),
  screen,
  signal,
  fallback,
};
