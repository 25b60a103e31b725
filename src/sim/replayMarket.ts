import { InvalidRequestError, UnknownSymbolError } from '../domain/errors.ts';
import { intervalMs, type Candle, type Instrument, type Interval, type Ticker } from '../domain/types.ts';
import { configuredSchedule, type FundingSchedule } from '../core/fills/funding.ts';
import { priceBars, storedTurnover, type BarColumns } from '../core/fills/priceBars.ts';
import { roundToStep } from '../core/steps.ts';
import type { CandleColumns } from '../history/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { CandleQuery } from '../ports/exchange.ts';
import type { SimMarket } from './simMarket.ts';

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
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: ReplayMarketOptions) {
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
