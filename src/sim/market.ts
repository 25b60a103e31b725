import { InvalidRequestError, UnknownSymbolError } from '../domain/errors.ts';
import { INTERVALS, type Candle, type Instrument, type Ticker } from '../domain/types.ts';
import { hashString } from '../core/rng.ts';
import { roundToStep } from '../core/steps.ts';
import type { Clock } from '../ports/clock.ts';
import type { CandleQuery } from '../ports/exchange.ts';
import { isKlineInterval, klineCeil, klineNext, klineStart, type KlineInterval } from './klineIntervals.ts';
import { instrumentFor, isUsdtSymbol } from './instruments.ts';
import { MINUTE_MS, pathPrice, pathRange, type MinuteBar } from './pricePath.ts';
import { MinuteSeries } from './series.ts';
import type { RegimeName } from './types.ts';
import type { KlineQuery, SimMarket } from './simMarket.ts';
import { MINUTE_TURNOVER } from './series.ts';
import { configuredSchedule, type FundingSchedule } from '../core/fills/funding.ts';
import { toFixedNumber } from '../core/fixedRound.ts';

const BASE_PRICES: Record<string, number> = { BTCUSDT: 60_000, ETHUSDT: 3_000, SOLUSDT: 150 };

export type { KlineQuery } from './simMarket.ts';

/** The symbols the simulator lists when none are configured (`simulator.instruments`). */
export const DEFAULT_INSTRUMENTS: readonly string[] = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];

/** Jumps in the price path: a bar that opens away from the previous close (see MinuteSeries). */
export interface GapOptions {
  /** Expected gaps per symbol per simulated day (0 = none). */
  readonly perDay: number;
  /** Typical size in percent of the price (each gap is 0.5x..1.5x this, up or down). */
  readonly sizePct: number;
}

export interface MarketOptions {
  readonly clock: Clock;
  readonly seed: number;
  /** Epoch ms (minute-aligned) of the first generated bar. */
  readonly origin: number;
  readonly regimes: Readonly<Record<string, RegimeName>>;
  /** Funding rate per settlement (00:00, 08:00, 16:00 UTC); 0 = no funding. */
  readonly fundingRate?: number;
  /** Listed symbols (USDT perpetuals); default DEFAULT_INSTRUMENTS. Others are unknown symbols. */
  readonly instruments?: readonly string[];
  /** Gaps in the price path; default none. */
  readonly gaps?: GapOptions;
}

/**
 * Synthetic market data: deterministic 1-minute bars per (seed, symbol, origin), generated
 * lazily up to the clock's now, and everything derived from them (candles of any interval,
 * the current price, tickers). Higher intervals are aggregated from the 1m bars, aligned to
 * epoch multiples of the interval, exactly as an exchange's klines are.
 */
export class MarketGenerator implements SimMarket {
  readonly model = 'path' as const;
  readonly origin: number;
  readonly seed: number;
  private readonly listed: readonly string[];
  private readonly fundingSchedule: FundingSchedule;
  private readonly series = new Map<string, MinuteSeries>();
  private readonly instruments = new Map<string, Instrument>();

  constructor(private readonly options: MarketOptions) {
    if (options.origin % MINUTE_MS !== 0) throw new InvalidRequestError(`origin ${options.origin} is not minute-aligned`);
    this.origin = options.origin;
    this.seed = options.seed;
    const listed = options.instruments ?? DEFAULT_INSTRUMENTS;
    for (const symbol of listed) if (!isUsdtSymbol(symbol)) throw new InvalidRequestError(`instrument ${symbol} is not a USDT perpetual symbol`);
    this.listed = [...new Set(listed)].sort();
    const gaps = options.gaps;
    if (gaps && (!(gaps.perDay >= 0) || !(gaps.sizePct >= 0))) throw new InvalidRequestError('gaps.perDay and gaps.sizePct must be >= 0');
    this.fundingSchedule = configuredSchedule(options.fundingRate ?? 0, options.origin, Number.MAX_SAFE_INTEGER);
  }

  marketFill(symbol: string, now: number): { readonly price: number; readonly time: number } {
    return { price: this.priceAt(symbol, now), time: now };
  }

  funding(): FundingSchedule {
    return this.fundingSchedule;
  }

  markAt(symbol: string, time: number): number {
    return this.priceAt(symbol, time);
  }

  /** Reference price at origin: the real neighbourhood for known symbols, else from the symbol's hash. */
  basePrice(symbol: string): number {
    const known = BASE_PRICES[symbol];
    if (known !== undefined) return known;
    // 0.1 .. 1000, spread log-uniformly over symbols, stable across seeds.
    return Number((10 ** (-1 + (hashString(symbol) % 4000) / 1000)).toPrecision(5));
  }

  symbols(): readonly string[] {
    return this.listed;
  }

  liquidity(symbol: string): number {
    this.instrument(symbol);
    return MINUTE_TURNOVER[symbol] ?? 50_000;
  }

  instrument(symbol: string): Instrument {
    let instrument = this.instruments.get(symbol);
    if (!instrument) {
      if (!this.listed.includes(symbol)) throw new UnknownSymbolError(symbol);
      instrument = instrumentFor(symbol, this.basePrice(symbol));
      this.instruments.set(symbol, instrument);
    }
    return instrument;
  }

  /** Minute index of time `t` (may be negative before origin). */
  minuteIndex(t: number): number {
    return Math.floor((t - this.origin) / MINUTE_MS);
  }

  /** The full 1m bar `index` (also for the still-forming minute: the engine walks its path). */
  bar(symbol: string, index: number): MinuteBar {
    return this.seriesOf(symbol).bar(Math.max(0, index));
  }

  /** Price at time `t` on the intra-minute path; before origin, the first open. */
  priceAt(symbol: string, t: number): number {
    const index = this.minuteIndex(t);
    const bar = this.bar(symbol, index);
    if (index < 0) return bar.open;
    return pathPrice(bar, t - bar.start, this.instrument(symbol).tickSize);
  }

  lastPrice(symbol: string): number {
    return this.priceAt(symbol, this.options.clock.now());
  }

  ticker(symbol: string): Ticker {
    const { tickSize } = this.instrument(symbol);
    const now = this.options.clock.now();
    const last = this.priceAt(symbol, now);
    return {
      symbol,
      lastPrice: last,
      markPrice: last,
      bid1Price: Math.max(tickSize, roundToStep(last - tickSize, tickSize)),
      ask1Price: roundToStep(last + tickSize, tickSize),
      time: now,
    };
  }

  /** Oldest first; the last candle may still be forming. Bybit's paging rules: see `klines`. */
  candles(query: CandleQuery): Candle[] {
    if (!(INTERVALS as readonly string[]).includes(query.interval)) throw new InvalidRequestError(`interval ${String(query.interval)} is not supported`);
    return this.klines(query);
  }

  /**
   * Klines of any Bybit interval (minutes, D, W, M), oldest first, as Bybit pages them:
   * only candles whose open time lies in [start, end] (both inclusive; `end` defaults to
   * now and never reaches past the forming candle). With `start`, the window is anchored at
   * `start`: the first `limit` candles from there on (so a client pages forward by moving
   * `start`); without it, the newest `limit` candles up to `end`. Only candles wholly inside
   * the generated history exist (the first opens at or after origin), so a query before the
   * origin is answered with an empty list, as Bybit answers for a time before a listing.
   */
  klines(query: KlineQuery): Candle[] {
    const { symbol, interval, limit } = query;
    this.instrument(symbol);
    if (!isKlineInterval(interval)) throw new InvalidRequestError(`interval ${String(interval)} is not supported`);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidRequestError(`limit ${limit} must be an integer in 1..1000`);

    const now = this.options.clock.now();
    if (now < this.origin) return [];
    // The candle that contains the origin is served from the origin on (a listing's first
    // weekly or monthly candle is partial on Bybit too).
    const first = klineStart(interval, this.origin);
    const upper = klineStart(interval, Math.min(query.end ?? now, now));
    const starts: number[] = [];
    if (query.start !== undefined) {
      for (let start = Math.max(first, klineCeil(interval, query.start)); start <= upper && starts.length < limit; start = klineNext(interval, start)) starts.push(start);
    } else {
      for (let start = upper; start >= first && starts.length < limit; start = klineStart(interval, start - 1)) starts.push(start);
      starts.reverse();
    }
    return starts.map((start) => this.candleAt(symbol, start, klineNext(interval, start), now));
  }

  private candleAt(symbol: string, start: number, next: number, now: number): Candle {
    const series = this.seriesOf(symbol);
    const { tickSize, qtyStep } = this.instrument(symbol);
    const first = Math.max(0, this.minuteIndex(start));
    const end = this.minuteIndex(next);
    const current = this.minuteIndex(now);
    const closedEnd = Math.min(end, current);
    const closed = closedEnd > first ? series.aggregate(first, closedEnd) : null;
    if (end <= current) return { start, ...closed! };

    // The candle holds the forming minute: take its path up to now.
    const bar = series.bar(current);
    const offset = now - bar.start;
    const range = pathRange(bar, 0, offset, tickSize);
    const price = pathPrice(bar, offset, tickSize);
    const volume = roundToStep((bar.volume * offset) / MINUTE_MS, qtyStep);
    const turnover = toFixedNumber((bar.turnover * offset) / MINUTE_MS, 4);
    if (!closed) return { start, open: bar.open, high: range.high, low: range.low, close: price, volume, turnover };
    return {
      start,
      open: closed.open,
      high: Math.max(closed.high, range.high),
      low: Math.min(closed.low, range.low),
      close: price,
      volume: closed.volume + volume,
      turnover: closed.turnover + turnover,
    };
  }

  private seriesOf(symbol: string): MinuteSeries {
    let series = this.series.get(symbol);
    if (!series) {
      const instrument = this.instrument(symbol);
      series = new MinuteSeries(this.options.seed, symbol, this.origin, instrument, this.basePrice(symbol), this.options.regimes[symbol], this.options.gaps);
      this.series.set(symbol, series);
    }
    return series;
  }
}
