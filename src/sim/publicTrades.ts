import { hashString } from '../core/rng.ts';
import { floorToStep } from '../core/steps.ts';
import type { Instrument, Side } from '../domain/types.ts';

/**
 * Public trades of the simulated market (REST `/v5/market/recent-trade`, WS
 * `publicTrade.{symbol}`), from the same liquidity model as the order book: one trade every
 * TRADE_SPACING_MS of simulated time at the market price of that instant, sized as a seeded
 * share of the symbol's typical traded value per minute; the taker side follows the tick
 * (an up-tick is a buy, a down-tick a sell, an unchanged price keeps the previous side).
 * The account's own fills are not inserted. Pure in (seed, symbol, time): the trades of a
 * moment are the same whenever and however often they are asked for.
 */
export const TRADE_SPACING_MS = 5_000;

export interface PublicTrade {
  readonly id: string;
  /** Sequence number: the trade's index since the epoch. */
  readonly seq: number;
  readonly time: number;
  readonly symbol: string;
  readonly side: Side;
  readonly price: number;
  readonly size: number;
  readonly tickDirection: 'PlusTick' | 'ZeroPlusTick' | 'MinusTick' | 'ZeroMinusTick';
}

export interface TradeSource {
  readonly seed: number;
  readonly instrument: Instrument;
  /** Market price at a time. */
  priceAt(t: number): number;
  /** Typical traded value per minute, USDT. */
  readonly liquidity: number;
}

function uuidFrom(seed: number, symbol: string, index: number): string {
  const h = (part: string): string => hashString(`${seed}:trade:${symbol}:${index}:${part}`).toString(16).padStart(8, '0');
  const a = h('a');
  const b = h('b');
  const c = h('c');
  const d = h('d');
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16)}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

/** Looks back at most this many trades to find the previous price change (a flat market). */
const LOOKBACK = 12;

function tradeAt(src: TradeSource, index: number): PublicTrade {
  const { instrument } = src;
  const symbol = instrument.symbol;
  const time = index * TRADE_SPACING_MS;
  const price = src.priceAt(time);
  let previous = src.priceAt(time - TRADE_SPACING_MS);
  const zero = previous === price;
  for (let back = 2; previous === price && back <= LOOKBACK; back++) previous = src.priceAt(time - back * TRADE_SPACING_MS);
  const up = previous === price ? hashString(`${src.seed}:tradeside:${symbol}:${index}`) % 2 === 0 : price > previous;
  const share = 0.25 + 1.5 * (hashString(`${src.seed}:tradesize:${symbol}:${index}`) / 0x1_0000_0000);
  const perTrade = (src.liquidity * TRADE_SPACING_MS) / 60_000;
  const size = Math.max(instrument.minOrderQty, floorToStep((perTrade * share) / Math.max(price, instrument.tickSize), instrument.qtyStep));
  return {
    id: uuidFrom(src.seed, symbol, index),
    seq: index,
    time,
    symbol,
    side: up ? 'Buy' : 'Sell',
    price,
    size,
    tickDirection: zero ? (up ? 'ZeroPlusTick' : 'ZeroMinusTick') : up ? 'PlusTick' : 'MinusTick',
  };
}

/** The `limit` most recent trades at or before `now`, newest first, none before `since`. */
export function recentTrades(src: TradeSource, now: number, limit: number, since: number): PublicTrade[] {
  const out: PublicTrade[] = [];
  for (let i = Math.floor(now / TRADE_SPACING_MS); out.length < limit && i * TRADE_SPACING_MS >= since; i--) out.push(tradeAt(src, i));
  return out;
}

/** Trades in (from, to], oldest first (a WS push), at most `max` (the newest ones). */
export function tradesBetween(src: TradeSource, from: number, to: number, max: number): PublicTrade[] {
  const first = Math.floor(from / TRADE_SPACING_MS) + 1;
  const last = Math.floor(to / TRADE_SPACING_MS);
  const out: PublicTrade[] = [];
  for (let i = Math.max(first, last - max + 1); i <= last; i++) out.push(tradeAt(src, i));
  return out;
}
