import { InvalidRequestError, UnknownSymbolError } from '../domain/errors.ts';
import { intervalMs, type Candle, type Instrument, type Interval, type Ticker } from '../domain/types.ts';
import { configuredSchedule, type FundingSchedule } from '../core/fills/funding.ts';
import { priceBars, storedTurnover, type BarColumns } from '../core/fills/priceBars.ts';
import { roundToStep } from '../core/steps.ts';
import type { CandleColumns } from '../history/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { CandleQuery } from '../ports/exchange.ts';
import type { KlineQuery, SimMarket } from './simMarket.ts';
import { isKlineInterval, klineCeil, klineNext, klineStart } from './klineIntervals.ts';

/** One symbol of a replay: its stored series (one per interval), its filters and its funding. */
export interface ReplaySymbol {
  readonly instrument: Instrument;
  /** At least one series; the finest interval is the price series (fills, stops, marks). */
  readonly series: readonly CandleColumns[];
  readonly funding?: FundingSchedule;
}

export interface ReplayMarketOptions {
  readonly clock: Clock;
  readonly symbols: ReadonlyMap<string, ReplaySymbol>;
  /** Seeds the order book and public trades served over the wire (default 0). */
  readonly seed?: number;
}

interface Entry {
  readonly instrument: Instrument;
  readonly price: BarColumns;
  readonly stepMs: number;
  readonly byInterval: ReadonlyMap<Interval, CandleColumns>;
  readonly funding: FundingSchedule;
}

/** First index in `starts` (ascending) whose value is > `value`. */
function upperBound(starts: Float64Array, length: number, value: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Stored candles served as a market (`--engine actors` over history): klines of the stored
 * intervals (closed candles only: a bar becomes visible when its period has ended), the last
 * price = the close of the newest closed bar of the finest series, and market orders filling
 * at the open of the bar in progress (or of the next stored bar after a gap). The matching
 * engine replays it bar by bar with the core fill model (src/sim/barTriggers.ts).
 */
export class ReplayMarket implements SimMarket {
  readonly model = 'bars' as const;
  readonly seed: number;
  readonly origin: number;
  private readonly entries = new Map<string, Entry>();
  private readonly listed: readonly string[];

  constructor(private readonly options: ReplayMarketOptions) {
    this.seed = options.seed ?? 0;
    for (const [symbol, s] of options.symbols) {
      if (s.series.length === 0) throw new InvalidRequestError(`replay of ${symbol} needs at least one candle series`);
      const sorted = [...s.series].sort((a, b) => intervalMs(a.interval) - intervalMs(b.interval));
      const finest = sorted[0]!;
      this.entries.set(symbol, {
        instrument: s.instrument,
        price: priceBars(finest),
        stepMs: intervalMs(finest.interval),
        byInterval: new Map(sorted.map((c) => [c.interval, c])),
        funding: s.funding ?? configuredSchedule(0, 0, 0),
      });
    }
    this.listed = [...this.entries.keys()].sort();
    let origin = Number.POSITIVE_INFINITY;
    for (const e of this.entries.values()) if (e.price.length > 0) origin = Math.min(origin, e.price.start[0]!);
    this.origin = Number.isFinite(origin) ? origin : 0;
  }

  symbols(): readonly string[] {
    return this.listed;
  }

  priceAt(symbol: string, t: number): number {
    return this.markAt(symbol, t);
  }

  /** Traded value per minute of the bars before `now` (their mean over the last day), else a floor. */
  liquidity(symbol: string): number {
    const e = this.entry(symbol);
    const series = e.byInterval.values().next().value!;
    const end = upperBound(series.start, series.length, this.options.clock.now() - e.stepMs);
    const step = intervalMs(series.interval);
    const rows = Math.max(1, Math.min(end, Math.ceil(86_400_000 / step)));
    let value = 0;
    for (let i = Math.max(0, end - rows); i < end; i++) {
      const turnover = storedTurnover(series.turnover[i]!);
      value += turnover > 0 ? turnover : series.volume[i]! * series.close[i]!;
    }
    const perMinute = value / ((rows * step) / 60_000);
    return Number.isFinite(perMinute) && perMinute > 1_000 ? perMinute : 1_000;
  }

  /**
   * Klines of any Bybit interval for the wire server, with the generator's paging rules
   * (MarketGenerator.klines). A stored interval is served as stored; any other is built
   * from the finest stored bars (its open time on the interval's grid; D, W and M on the
   * UTC calendar). Only bars that have closed by now count, so the newest candle of a
   * coarser interval may be forming, and a stored bar appears when it has closed.
   */
  klines(query: KlineQuery): Candle[] {
    const { symbol, interval, limit } = query;
    const e = this.entry(symbol);
    if (!isKlineInterval(interval)) throw new InvalidRequestError(`interval ${String(interval)} is not supported`);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidRequestError(`limit ${limit} must be an integer in 1..1000`);
    const now = this.options.clock.now();
    const stored = e.byInterval.get(interval as Interval);
    const base = stored ?? e.byInterval.values().next().value!;
    const baseStep = intervalMs(base.interval);
    const closed = upperBound(base.start, base.length, now - baseStep);
    if (closed === 0) return [];
    const first = klineStart(interval, base.start[0]!);
    const upper = klineStart(interval, Math.min(query.end ?? now, now));
    const out: Candle[] = [];
    const build = (s: number): Candle | null => {
      const lo = upperBound(base.start, closed, s - 1);
      const hi = upperBound(base.start, closed, klineNext(interval, s) - 1);
      if (hi <= lo) return null;
      let high = -Infinity;
      let low = Infinity;
      let volume = 0;
      let turnover = 0;
      for (let i = lo; i < hi; i++) {
        high = Math.max(high, base.high[i]!);
        low = Math.min(low, base.low[i]!);
        volume += base.volume[i]!;
        turnover += storedTurnover(base.turnover[i]!);
      }
      return { start: s, open: base.open[lo]!, high, low, close: base.close[hi - 1]!, volume, turnover };
    };
    // Periods without a closed bar (not yet begun, or a gap in the data) have no candle.
    if (query.start !== undefined) {
      const from = Math.max(first, stored ? query.start : klineCeil(interval, query.start));
      for (let s = stored ? (base.start[upperBound(base.start, closed, from - 1)] ?? Infinity) : from; s <= upper && out.length < limit; s = klineNext(interval, s)) {
        const c = build(s);
        if (c) out.push(c);
      }
    } else {
      for (let s = upper; s >= first && out.length < limit; s = klineStart(interval, s - 1)) {
        const c = build(s);
        if (c) out.push(c);
      }
      out.reverse();
    }
    return out;
  }

  private entry(symbol: string): Entry {
    const e = this.entries.get(symbol);
    if (!e) throw new UnknownSymbolError(symbol);
    return e;
  }

  instrument(symbol: string): Instrument {
    return this.entry(symbol).instrument;
  }

  /** The finest stored series of a symbol without its bad rows: the bars fills and stops are resolved on. */
  priceSeries(symbol: string): BarColumns {
    return this.entry(symbol).price;
  }

  stepOf(symbol: string): number {
    return this.entry(symbol).stepMs;
  }

  /** Index of the first price bar whose end is after `t`. */
  firstBarEndingAfter(symbol: string, t: number): number {
    const e = this.entry(symbol);
    return upperBound(e.price.start, e.price.length, t - e.stepMs);
  }

  /** Close of the newest price bar that has ended by `t`; before the first bar, its open. */
  markAt(symbol: string, t: number): number {
    const e = this.entry(symbol);
    const i = this.firstBarEndingAfter(symbol, t) - 1;
    if (i >= 0) return e.price.close[i]!;
    return e.price.length > 0 ? e.price.open[0]! : 0;
  }

  lastPrice(symbol: string): number {
    return this.markAt(symbol, this.options.clock.now());
  }

  ticker(symbol: string): Ticker {
    const { tickSize } = this.instrument(symbol);
    const last = this.lastPrice(symbol);
    const now = this.options.clock.now();
    return { symbol, lastPrice: last, markPrice: last, bid1Price: Math.max(tickSize, roundToStep(last - tickSize, tickSize)), ask1Price: roundToStep(last + tickSize, tickSize), time: now };
  }

  marketFill(symbol: string, now: number): { readonly price: number; readonly time: number } | null {
    const e = this.entry(symbol);
    const i = this.firstBarEndingAfter(symbol, now);
    if (i >= e.price.length) return null;
    return { price: e.price.open[i]!, time: e.price.start[i]! };
  }

  funding(symbol: string): FundingSchedule {
    return this.entry(symbol).funding;
  }

  /** Closed candles of a stored interval, oldest first (Bybit kline semantics: `end`/`start` bound the start time). */
  candles(query: CandleQuery): Candle[] {
    const e = this.entry(query.symbol);
    const series = e.byInterval.get(query.interval);
    if (!series) throw new InvalidRequestError(`interval ${query.interval} of ${query.symbol} is not in the replayed data (${[...e.byInterval.keys()].join(', ')})`);
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 1000) throw new InvalidRequestError(`limit ${query.limit} must be an integer in 1..1000`);
    const step = intervalMs(query.interval);
    const now = this.options.clock.now();
    const upper = Math.min(now - step, query.end ?? Number.POSITIVE_INFINITY);
    const hi = upperBound(series.start, series.length, upper);
    const lo = Math.max(query.start === undefined ? 0 : upperBound(series.start, series.length, query.start - 1), hi - query.limit);
    const out: Candle[] = [];
    for (let i = lo; i < hi; i++) {
      out.push({
        start: series.start[i]!,
        open: series.open[i]!,
        high: series.high[i]!,
        low: series.low[i]!,
        close: series.close[i]!,
        volume: series.volume[i]!,
        turnover: storedTurnover(series.turnover[i]!),
      });
    }
    return out;
  }
}
