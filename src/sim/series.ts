import { gaussian, hashString, mulberry32, type Random } from '../core/rng.ts';
import { roundToStep } from '../core/steps.ts';
import type { Instrument } from '../domain/types.ts';
import { MINUTE_MS, type MinuteBar } from './pricePath.ts';
import { nextSegment, stepReturn, type Segment } from './regimes.ts';
import type { RegimeName } from './types.ts';
import { toFixedNumber } from '../core/fixedRound.ts';

/** Gap settings (MarketOptions.gaps): expected gaps per day and their typical size in %. */
export interface SeriesGaps {
  readonly perDay: number;
  readonly sizePct: number;
}

/** Typical traded value per minute in USDT, so volumes look like the real markets. */
export const MINUTE_TURNOVER: Record<string, number> = { BTCUSDT: 1_500_000, ETHUSDT: 800_000, SOLUSDT: 300_000 };

/** Bars a series starts with room for; it grows by half (at least to what is asked + a quarter). */
const INITIAL_BARS = 256;

/**
 * The 1-minute history of one symbol, generated in time order from `origin` and cached in
 * typed arrays. Generation is strictly sequential from one seeded stream, so extending the
 * cache in small or large steps gives identical bars.
 */
export class MinuteSeries {
  private readonly random: Random;
  private open = new Float64Array(INITIAL_BARS);
  private high = new Float64Array(INITIAL_BARS);
  private low = new Float64Array(INITIAL_BARS);
  private close = new Float64Array(INITIAL_BARS);
  private volume = new Float64Array(INITIAL_BARS);
  private count = 0;
  private logPrice: number;
  private lastClose: number;
  private segment: Segment | null = null;
  private readonly minuteTurnover: number;
  private readonly gapChance: number;
  private readonly gapSize: number;
  private readonly gapRandom: Random | null;

  constructor(
    seed: number,
    private readonly symbol: string,
    private readonly origin: number,
    private readonly instrument: Instrument,
    basePrice: number,
    private readonly regime: RegimeName | undefined,
    gaps?: SeriesGaps,
  ) {
    this.random = mulberry32(hashString(`${seed}:market:${symbol}:${origin}`));
    // Gaps draw from their own stream, so a market without gaps is exactly the one it always was.
    this.gapChance = gaps && regime !== 'flat' ? Math.min(1, gaps.perDay / 1440) : 0;
    this.gapSize = gaps ? gaps.sizePct / 100 : 0;
    this.gapRandom = this.gapChance > 0 ? mulberry32(hashString(`${seed}:gaps:${symbol}:${origin}`)) : null;
    this.lastClose = roundToStep(basePrice, instrument.tickSize);
    this.logPrice = Math.log(this.lastClose);
    this.minuteTurnover = MINUTE_TURNOVER[symbol] ?? 50_000;
  }

  /** Bar `index` minutes after origin (index >= 0); generates up to it when needed. */
  bar(index: number): MinuteBar {
    this.ensure(index);
    return {
      start: this.origin + index * MINUTE_MS,
      open: this.open[index]!,
      high: this.high[index]!,
      low: this.low[index]!,
      close: this.close[index]!,
      volume: this.volume[index]!,
      turnover: this.turnoverAt(index),
    };
  }

  /** Aggregates bars [from, to) into one OHLCV; `to` > `from`. */
  aggregate(from: number, to: number): Omit<MinuteBar, 'start'> {
    this.ensure(to - 1);
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    let turnover = 0;
    for (let i = from; i < to; i++) {
      if (this.high[i]! > high) high = this.high[i]!;
      if (this.low[i]! < low) low = this.low[i]!;
      volume += this.volume[i]!;
      turnover += this.turnoverAt(i);
    }
    return { open: this.open[from]!, high, low, close: this.close[to - 1]!, volume, turnover };
  }

  /**
   * A bar's turnover: its volume at the bar's average price. Computed when read, from the
   * same stored values, so it is the very number a stored column held, without the column:
   * 8 bytes per bar, 7 MB over the 500 symbols of the 2,000-actor bench.
   */
  private turnoverAt(i: number): number {
    return toFixedNumber(this.volume[i]! * ((this.open[i]! + this.high[i]! + this.low[i]! + this.close[i]!) / 4), 4);
  }

  private ensure(index: number): void {
    if (index < this.count) return;
    if (index >= this.open.length) this.grow(index + 1);
    while (this.count <= index) this.generate(this.count++);
  }

  private grow(min: number): void {
    // Not by doubling from 4,096: 500 symbols of a day's history held 98 MB of mostly empty
    // columns in the 2,000-actor bench; a quarter of headroom keeps the copies amortised.
    const size = Math.max(min + (min >> 2), Math.floor(this.open.length * 1.5));
    const resize = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.open = resize(this.open);
    this.high = resize(this.high);
    this.low = resize(this.low);
    this.close = resize(this.close);
    this.volume = resize(this.volume);
  }

  private generate(i: number): void {
    if (!this.segment || i >= this.segment.endIndex) this.segment = nextSegment(this.random, this.regime, i, this.logPrice);
    const segment = this.segment;
    const { tickSize, qtyStep } = this.instrument;
    const shock = gaussian(this.random);
    const wickUp = Math.abs(gaussian(this.random));
    const wickDown = Math.abs(gaussian(this.random));
    const volumeNoise = gaussian(this.random);
    const spike = this.random() < 0.01 ? 3 + 5 * this.random() : 1;

    // A gap: the bar opens away from the previous close (news, a liquidation cascade), and
    // the path carries on from there. The minute before it ends at its close, so a stop
    // between the two prices is jumped over and fills at this open (gap-through).
    let open = this.lastClose;
    if (this.gapRandom && this.gapRandom() < this.gapChance) {
      const direction = this.gapRandom() < 0.5 ? -1 : 1;
      this.logPrice += direction * this.gapSize * (0.5 + this.gapRandom());
      open = Math.max(roundToStep(Math.exp(this.logPrice), tickSize), roundToStep(tickSize * 10, tickSize));
    }
    const r = stepReturn(segment, i, this.logPrice, shock);
    this.logPrice += r;
    // Never below a few ticks: a crash on a cheap coin must not print zero or negative prices.
    const close = Math.max(roundToStep(Math.exp(this.logPrice), tickSize), roundToStep(tickSize * 10, tickSize));
    const wick = segment.sigma * 0.6;
    const high = Math.max(open, close, roundToStep(Math.max(open, close) * Math.exp(wickUp * wick), tickSize));
    const low = Math.min(open, close, Math.max(tickSize, roundToStep(Math.min(open, close) * Math.exp(-wickDown * wick), tickSize)));

    const silent = this.regime === 'flat' || this.regime === 'zeroVolume';
    // Volume grows with the size of the move, plus rare spikes (news, liquidations).
    const value = silent ? 0 : this.minuteTurnover * Math.exp(0.35 * volumeNoise) * (1 + 0.5 * Math.abs(shock)) * spike;
    const volume = roundToStep(value / close, qtyStep);

    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
    this.lastClose = close;
  }

  toString(): string {
    return `MinuteSeries(${this.symbol}, ${this.count} bars)`;
  }
}
