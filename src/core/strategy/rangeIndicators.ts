import type { Candle } from '../../domain/types.ts';
import { Adx } from '../indicators/adx.ts';
import { Atr } from '../indicators/atr.ts';
import { Bollinger } from '../indicators/bollinger.ts';
import { Donchian } from '../indicators/donchian.ts';
import { Rsi } from '../indicators/rsi.ts';
import { VolumeMean } from '../indicators/volumeMean.ts';
import { isFiniteCandle, LastBar, reusedResult } from './candleInput.ts';
import type { IndicatorResult } from './contract.ts';
import type { RegimeParams } from './confluence.ts';
import { regimeClassifierFor, valueNamesWithRegime } from './regimeInput.ts';
import type { RegimeClassifier } from '../indicators/regime.ts';

/** The periods the range strategy's indicators need (a subset of RangeParams). */
export interface RangeIndicatorParams {
  readonly bbPeriod: number;
  readonly bbStdDev: number;
  readonly donchianPeriod: number;
  readonly adxPeriod: number;
  readonly rsiPeriod: number;
  readonly atrPeriod: number;
  /** A preset's regime block: the state then also classifies the regime (indicator value `regime`). */
  readonly regime?: RegimeParams;
  readonly volumePeriod: number;
}

export const RANGE_VALUE_NAMES = [
  'bbUpper', 'bbMiddle', 'bbLower', 'percentB', 'donchianUpper', 'donchianLower', 'adx', 'plusDI', 'minusDI', 'rsi', 'atr', 'volumeRatio', 'open', 'high', 'low',
] as const;

/**
 * The range strategy's hot state: its streaming indicators and the last candle, updated in
 * place; `indicators()` refills one result object it owns (valid until the next update).
 */
export class RangeState {
  private readonly bb: Bollinger;
  private readonly donchian: Donchian;
  private readonly adx: Adx;
  private readonly rsi: Rsi;
  private readonly atr: Atr;
  private readonly volume: VolumeMean;
  private readonly last = new LastBar();
  private readonly regime: RegimeClassifier | null;
  private readonly result: ReturnType<typeof reusedResult<(typeof RANGE_VALUE_NAMES)[number]>>;

  constructor(p: RangeIndicatorParams) {
    this.regime = regimeClassifierFor(p);
    this.result = reusedResult(valueNamesWithRegime(RANGE_VALUE_NAMES, this.regime));
    this.bb = new Bollinger(p.bbPeriod, p.bbStdDev);
    this.donchian = new Donchian(p.donchianPeriod);
    this.adx = new Adx(p.adxPeriod);
    this.rsi = new Rsi(p.rsiPeriod);
    this.atr = new Atr(p.atrPeriod);
    this.volume = new VolumeMean(p.volumePeriod);
  }

  /** Non-finite candles are skipped whole, so every indicator sees the same candles. */
  update(candle: Candle): this {
    if (!isFiniteCandle(candle)) return this;
    this.bb.update(candle);
    this.donchian.update(candle);
    this.adx.update(candle);
    this.rsi.update(candle);
    this.atr.update(candle);
    this.volume.update(candle);
    this.regime?.update(candle);
    this.last.set(candle);
    return this;
  }

  indicators(): IndicatorResult | null {
    const { bb, donchian, adx, rsi, atr, volume, last } = this;
    if (!last.seen || !bb.ready || !donchian.ready || !adx.ready || !rsi.ready || !atr.ready || !volume.ready) return null;
    const r = this.result;
    const v = r.values;
    r.candleStart = last.start;
    r.close = last.close;
    v.bbUpper = bb.upper;
    v.bbMiddle = bb.middle;
    v.bbLower = bb.lower;
    v.percentB = bb.percentB;
    v.donchianUpper = donchian.upper;
    v.donchianLower = donchian.lower;
    v.adx = adx.adx;
    v.plusDI = adx.plusDI;
    v.minusDI = adx.minusDI;
    v.rsi = rsi.value;
    v.atr = atr.value;
    v.volumeRatio = volume.ratio;
    v.open = last.open;
    v.high = last.high;
    v.low = last.low;
    if (this.regime) (v as Record<string, number>).regime = this.regime.code;
    return r;
  }
}
