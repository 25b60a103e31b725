import type { Candle } from '../../domain/types.ts';
import { Atr } from '../indicators/atr.ts';
import { SessionVwap } from '../indicators/sessionVwap.ts';
import { VolumeMean } from '../indicators/volumeMean.ts';
import { isFiniteCandle, LastBar, reusedResult } from './candleInput.ts';
import type { IndicatorResult } from './contract.ts';
import type { RegimeParams } from './confluence.ts';
import { regimeClassifierFor, valueNamesWithRegime } from './regimeInput.ts';
import type { RegimeClassifier } from '../indicators/regime.ts';

/** What the VWAP strategy's indicators need (a subset of VolumeVwapParams). */
export interface VolumeVwapIndicatorParams {
  readonly volumePeriod: number;
  readonly atrPeriod: number;
  /** A preset's regime block: the state then also classifies the regime (indicator value `regime`). */
  readonly regime?: RegimeParams;
}

export const VWAP_VALUE_NAMES = ['vwap', 'vwapStdDev', 'sessionCandles', 'volumeRatio', 'atr', 'open', 'high', 'low'] as const;

/** Hot state: session VWAP, volume baseline and ATR, updated in place; `indicators()` refills one result it owns. */
export class VolumeVwapState {
  private readonly vwap = new SessionVwap();
  private readonly volume: VolumeMean;
  private readonly atr: Atr;
  private readonly last = new LastBar();
  private readonly regime: RegimeClassifier | null;
  private readonly result: ReturnType<typeof reusedResult<(typeof VWAP_VALUE_NAMES)[number]>>;

  constructor(p: VolumeVwapIndicatorParams) {
    this.regime = regimeClassifierFor(p);
    this.result = reusedResult(valueNamesWithRegime(VWAP_VALUE_NAMES, this.regime));
    this.volume = new VolumeMean(p.volumePeriod);
    this.atr = new Atr(p.atrPeriod);
  }

  update(candle: Candle): this {
    if (!isFiniteCandle(candle)) return this;
    this.vwap.update(candle);
    this.volume.update(candle);
    this.atr.update(candle);
    this.regime?.update(candle);
    this.last.set(candle);
    return this;
  }

  indicators(): IndicatorResult | null {
    const { vwap, volume, atr, last } = this;
    if (!last.seen || !vwap.ready || !volume.ready || !atr.ready) return null;
    const r = this.result;
    const v = r.values;
    r.candleStart = last.start;
    r.close = last.close;
    v.vwap = vwap.vwap;
    v.vwapStdDev = vwap.stdDev;
    v.sessionCandles = vwap.sessionCandles;
    v.volumeRatio = volume.ratio;
    v.atr = atr.value;
    v.open = last.open;
    v.high = last.high;
    v.low = last.low;
    if (this.regime) (v as Record<string, number>).regime = this.regime.code;
    return r;
  }
}
