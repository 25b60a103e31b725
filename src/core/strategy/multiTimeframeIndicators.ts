import type { Candle } from '../../domain/types.ts';
import { Atr } from '../indicators/atr.ts';
import { Ema } from '../indicators/ema.ts';
import { Rsi } from '../indicators/rsi.ts';
import { TimeframeAggregator } from '../indicators/timeframeAggregator.ts';
import { isFiniteCandle, LastBar, reusedResult } from './candleInput.ts';
import type { IndicatorResult } from './contract.ts';
import type { RegimeParams } from './confluence.ts';
import { regimeClassifierFor, valueNamesWithRegime } from './regimeInput.ts';
import type { RegimeClassifier } from '../indicators/regime.ts';

/** What the multi-timeframe strategy's indicators need (a subset of MultiTimeframeParams). */
export interface MultiTimeframeIndicatorParams {
  readonly interval: string;
  readonly higherTimeframeMinutes: number;
  readonly fastEma: number;
  readonly slowEma: number;
  readonly rsiPeriod: number;
  readonly atrPeriod: number;
  /** A preset's regime block: the state then also classifies the regime (indicator value `regime`). */
  readonly regime?: RegimeParams;
}

export const MTF_VALUE_NAMES = ['htfFastEma', 'htfSlowEma', 'rsi', 'atr', 'open', 'high', 'low'] as const;

/**
 * Hot state: higher-timeframe candles built from the base candles feed the fast/slow EMAs
 * (closed higher candles only: no look-ahead); RSI and ATR run on the base candles.
 * Updated in place; `indicators()` refills one result object it owns.
 */
export class MultiTimeframeState {
  private readonly htf: TimeframeAggregator;
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly rsi: Rsi;
  private readonly atr: Atr;
  private readonly last = new LastBar();
  private readonly regime: RegimeClassifier | null;
  private readonly result: ReturnType<typeof reusedResult<(typeof MTF_VALUE_NAMES)[number]>>;

  constructor(p: MultiTimeframeIndicatorParams) {
    this.regime = regimeClassifierFor(p);
    this.result = reusedResult(valueNamesWithRegime(MTF_VALUE_NAMES, this.regime));
    this.htf = new TimeframeAggregator(Number(p.interval) * 60_000, p.higherTimeframeMinutes * 60_000);
    this.fast = new Ema(p.fastEma);
    this.slow = new Ema(p.slowEma);
    this.rsi = new Rsi(p.rsiPeriod);
    this.atr = new Atr(p.atrPeriod);
  }

  update(candle: Candle): this {
    if (!isFiniteCandle(candle)) return this;
    const closed = this.htf.push(candle);
    for (let i = 0; i < closed; i++) {
      const higher = this.htf.closed(i);
      this.fast.update(higher);
      this.slow.update(higher);
    }
    this.rsi.update(candle);
    this.atr.update(candle);
    this.regime?.update(candle);
    this.last.set(candle);
    return this;
  }

  indicators(): IndicatorResult | null {
    const { fast, slow, rsi, atr, last } = this;
    if (!last.seen || !fast.ready || !slow.ready || !rsi.ready || !atr.ready) return null;
    const r = this.result;
    const v = r.values;
    r.candleStart = last.start;
    r.close = last.close;
    v.htfFastEma = fast.value;
    v.htfSlowEma = slow.value;
    v.rsi = rsi.value;
    v.atr = atr.value;
    v.open = last.open;
    v.high = last.high;
    v.low = last.low;
    if (this.regime) (v as Record<string, number>).regime = this.regime.code;
    return r;
  }
}
