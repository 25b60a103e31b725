import type { Candle, Instrument, Ticker } from '../domain/types.ts';
import type { FundingSchedule } from '../core/fills/funding.ts';
import type { CandleQuery } from '../ports/exchange.ts';
import type { KlineInterval } from './klineIntervals.ts';

/** A kline query in any Bybit interval (the wire server's /v5/market/kline). */
export interface KlineQuery {
  readonly symbol: string;
  readonly interval: KlineInterval;
  /** 1..1000. */
  readonly limit: number;
  readonly start?: number;
  readonly end?: number;
}

/**
 * What the matching engine needs from a market. Two kinds exist:
 * - 'path': the seeded generator (src/sim/market.ts), a minute-by-minute price path the
 *   engine walks, so stops trigger at the simulated time the path reaches them;
 * - 'bars': stored candles replayed (src/sim/replayMarket.ts), where only each bar's open,
 *   high, low and close are known; the engine applies the core bar-level fill model
 *   (src/core/fills), the same one the fast backtest engine uses.
 */
export interface SimMarket {
  readonly model: 'path' | 'bars';
  /** Seeds the order book and the public trades. */
  readonly seed: number;
  /** Where the market's data begins (instruments' launchTime; no kline or funding before it). */
  readonly origin: number;
  /** The listed symbols (anything else is refused as an unknown symbol, 10001 on the wire). */
  symbols(): readonly string[];
  /** Klines of any Bybit interval, oldest first, with Bybit's paging (see MarketGenerator.klines). */
  klines(query: KlineQuery): Candle[];
  /** Price at time t (the path, or the last closed bar of a replay). */
  priceAt(symbol: string, t: number): number;
  /** Typical traded value per minute in USDT: sizes of the order book and of public trades. */
  liquidity(symbol: string): number;
  instrument(symbol: string): Instrument;
  /** The last traded price at the clock's now. */
  lastPrice(symbol: string): number;
  ticker(symbol: string): Ticker;
  /** Oldest first. */
  candles(query: CandleQuery): Candle[];
  /**
   * Where a market order placed at `now` fills before slippage, and the fill's time: the
   * current price now ('path'), or the open of the bar in progress, else of the next
   * stored bar ('bars'). Null when the market has no price left (end of the data).
   */
  marketFill(symbol: string, now: number): { readonly price: number; readonly time: number } | null;
  /** Funding settlements of a symbol (rate source and times). */
  funding(symbol: string): FundingSchedule;
  /** Mark price used for a funding settlement at `time`. */
  markAt(symbol: string, time: number): number;
}
