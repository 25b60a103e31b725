import type { HighLowClose } from './atr.ts';
import { Adx } from './adx.ts';
import { Atr } from './atr.ts';
import { RollingRank } from './rollingRank.ts';
import { RollingMoments, safePeriod } from './window.ts';

/**
 * Market regime classifier (backlog D1.1), one per symbol x timeframe, fed one closed candle
 * at a time in O(log lookback) with no allocation. Four labels, decided in this order:
 *
 * 1. `volatile` (high volatility): the ATR as a fraction of the close ranks at or above
 *    `volatileAtrPercentile` among the last `atrLookback` candles, AND the realised
 *    volatility (standard deviation of log close-to-close returns) of the last `volPeriod`
 *    candles is at least `volatileVolRatio` times that of the last `volLookback` candles.
 *    Both are relative to the symbol's own recent past, so one setting serves BTC and SOL,
 *    1-minute and 1-hour candles; a volatility burst counts, a market that has been wild
 *    for a long time becomes its own normal and is labelled by its direction instead.
 * 2. `trendingUp` / `trendingDown`: ADX at or above `trendAdx`; the side from +DI vs -DI.
 * 3. `ranging`: everything else (low ADX, no volatility burst).
 *
 * `unknown` until every input is ready (see `regimeWarmup`). Candles with a non-finite high,
 * low or close are skipped (as every indicator does).
 */

export const REGIME_LABELS = ['unknown', 'trendingUp', 'trendingDown', 'ranging', 'volatile'] as const;
export type RegimeLabel = (typeof REGIME_LABELS)[number];
/** The labels a market can be in (everything but `unknown`). */
export const MARKET_REGIMES = ['trendingUp', 'trendingDown', 'ranging', 'volatile'] as const;
export type MarketRegime = (typeof MARKET_REGIMES)[number];

/** Label codes as stored in an indicator value (a number): the index in REGIME_LABELS. */
export const REGIME_CODE: Readonly<Record<RegimeLabel, number>> = { unknown: 0, trendingUp: 1, trendingDown: 2, ranging: 3, volatile: 4 };

export function regimeLabelOf(code: number): RegimeLabel {
  return REGIME_LABELS[code] ?? 'unknown';
}

export interface RegimeSettings {
  readonly adxPeriod: number;
  /** ADX at or above this is a trend. */
  readonly trendAdx: number;
  readonly atrPeriod: number;
  /** Candles the ATR percentile is ranked over. */
  readonly atrLookback: number;
  /** ATR percentile (0-100) at or above which volatility is high. */
  readonly volatileAtrPercentile: number;
  /** Candles of the short realised volatility... */
  readonly volPeriod: number;
  /** ...and of the long one it is compared with. */
  readonly volLookback: number;
  /** Short over long realised volatility at or above which volatility is high. */
  readonly volatileVolRatio: number;
}

export const DEFAULT_REGIME_SETTINGS: RegimeSettings = {
  adxPeriod: 14,
  trendAdx: 25,
  atrPeriod: 14,
  atrLookback: 100,
  volatileAtrPercentile: 90,
  volPeriod: 12,
  volLookback: 200,
  volatileVolRatio: 1.3,
};

/** Candles before the first label: the ATR's first value plus its ranking window, the ADX, the long volatility window. */
export function regimeWarmup(s: RegimeSettings): number {
  return Math.max(2 * safePeriod(s.adxPeriod), safePeriod(s.atrPeriod) + safePeriod(s.atrLookback), safePeriod(s.volLookback) + 1, safePeriod(s.volPeriod) + 1);
}

export class RegimeClassifier {
  private readonly adx: Adx;
  private readonly atr: Atr;
  private readonly atrRank: RollingRank;
  private readonly volShort: RollingMoments;
  private readonly volLong: RollingMoments;
  private prevClose = Number.NaN;
  /** REGIME_CODE of the current label. */
  code = 0;
  /** Readings behind the label (NaN while warming up). */
  atrPercentile = Number.NaN;
  volRatio = Number.NaN;
  adxValue = Number.NaN;

  constructor(private readonly s: RegimeSettings = DEFAULT_REGIME_SETTINGS) {
    this.adx = new Adx(s.adxPeriod);
    this.atr = new Atr(s.atrPeriod);
    this.atrRank = new RollingRank(s.atrLookback);
    this.volShort = new RollingMoments(s.volPeriod);
    this.volLong = new RollingMoments(s.volLookback);
  }

  get label(): RegimeLabel {
    return regimeLabelOf(this.code);
  }

  update(candle: HighLowClose): void {
    const { high, low, close } = candle;
    if (!(Number.isFinite(high) && Number.isFinite(low) && Number.isFinite(close)) || !(close > 0)) return;
    this.adx.update(candle);
    this.atr.update(candle);
    if (this.atr.ready) {
      this.atrRank.input = this.atr.value / close;
      this.atrRank.push();
    }
    if (this.prevClose > 0) {
      const r = Math.log(close / this.prevClose);
      this.volShort.input = r;
      this.volShort.push();
      this.volLong.input = r;
      this.volLong.push();
    }
    this.prevClose = close;
    this.classify();
  }

  private classify(): void {
    const { adx, atrRank, volShort, volLong, s } = this;
    if (!adx.ready || !atrRank.ready || !volShort.ready || !volLong.ready) {
      this.code = REGIME_CODE.unknown;
      return;
    }
    const long = Math.sqrt(volLong.variance);
    this.atrPercentile = atrRank.percentile;
    this.volRatio = long > 0 ? Math.sqrt(volShort.variance) / long : 0;
    this.adxValue = adx.adx;
    if (this.atrPercentile >= s.volatileAtrPercentile && this.volRatio >= s.volatileVolRatio) this.code = REGIME_CODE.volatile;
    else if (adx.adx >= s.trendAdx) this.code = adx.plusDI >= adx.minusDI ? REGIME_CODE.trendingUp : REGIME_CODE.trendingDown;
    else this.code = REGIME_CODE.ranging;
  }
}

/** Labels of a whole series (tests and tools), one per candle. */
export function regimeSeries(candles: readonly HighLowClose[], settings: RegimeSettings = DEFAULT_REGIME_SETTINGS): RegimeLabel[] {
  const c = new RegimeClassifier(settings);
  return candles.map((candle) => {
    c.update(candle);
    return c.label;
  });
}
