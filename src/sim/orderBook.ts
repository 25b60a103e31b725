import { hashString } from '../core/rng.ts';
import { floorToStep, roundToStep } from '../core/steps.ts';
import type { Instrument, Side } from '../domain/types.ts';

/**
 * The simulator's liquidity model: an order book around the simulated price, so the
 * market has depth (REST `/v5/market/orderbook`, WS `orderbook.{depth}.{symbol}`) and a
 * market order that walks it pays more the larger it is.
 *
 * - The best bid and ask are one tick either side of the last price (the tickers' bid1/ask1).
 * - Level k (0 = best) sits k ticks further out: every tick is a level, as on a liquid
 *   perpetual.
 * - Its size is `base x (1 + k / 10) x noise`: thin at the top and thicker further out,
 *   where `base` is 0.2 % of the symbol's typical traded value per minute at that price
 *   (BTCUSDT: about 0.05 BTC at the top, 9 BTC within 50 ticks) and `noise` a seeded
 *   factor in [0.5, 1.5) that changes every BOOK_REFRESH_MS of simulated time, so the book
 *   moves between snapshots even when the price does not. Sizes are on the qty step, never
 *   below the minimum order quantity.
 *
 * The book is a pure function of (seed, symbol, price, time): a snapshot and the levels a
 * fill walks agree, and two runs with the same seed see the same book.
 */
export const BOOK_REFRESH_MS = 10_000;
const TOP_SHARE = 0.002;
const GROWTH = 10;
/** Upper bound of the levels one market order may walk (far beyond any maxMktOrderQty). */
const MAX_WALK_LEVELS = 1_000_000;

export type BookLevel = readonly [price: number, size: number];

export interface BookSnapshot {
  /** Descending prices. */
  readonly bids: BookLevel[];
  /** Ascending prices. */
  readonly asks: BookLevel[];
}

export interface BookParams {
  readonly seed: number;
  readonly symbol: string;
  readonly instrument: Instrument;
  /** The last traded price the book is centred on. */
  readonly price: number;
  /** Typical traded value per minute, USDT. */
  readonly liquidity: number;
  readonly time: number;
}

function noise(seed: number, symbol: string, side: string, level: number, bucket: number): number {
  return 0.5 + hashString(`${seed}:book:${symbol}:${side}:${level}:${bucket}`) / 0x1_0000_0000;
}

/** Size of level k on one side. */
export function levelSize(p: BookParams, side: 'b' | 'a', k: number): number {
  const { instrument } = p;
  const base = (p.liquidity * TOP_SHARE) / Math.max(p.price, instrument.tickSize);
  const raw = base * (1 + k / GROWTH) * noise(p.seed, p.symbol, side, k, Math.floor(p.time / BOOK_REFRESH_MS));
  return Math.max(instrument.minOrderQty, floorToStep(raw, instrument.qtyStep));
}

/** Best bid and ask: one tick either side of the price (never below one tick). */
export function bestPrices(price: number, tickSize: number): { bid: number; ask: number } {
  return { bid: Math.max(tickSize, roundToStep(price - tickSize, tickSize)), ask: roundToStep(price + tickSize, tickSize) };
}

/** The top `depth` levels of each side. */
export function bookSnapshot(p: BookParams, depth: number): BookSnapshot {
  const { tickSize } = p.instrument;
  const best = bestPrices(p.price, tickSize);
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  for (let k = 0; k < depth; k++) {
    const bid = roundToStep(best.bid - k * tickSize, tickSize);
    if (bid >= tickSize) bids.push([bid, levelSize(p, 'b', k)]);
    asks.push([roundToStep(best.ask + k * tickSize, tickSize), levelSize(p, 'a', k)]);
  }
  return { bids, asks };
}

/**
 * Walks the book for a taker order of `qty`: a buy takes the asks from the best one up, a
 * sell the bids down. Returns the volume-weighted price of the levels taken, on the tick
 * grid (one execution at that price), and how many levels it reached.
 */
export function walkBook(p: BookParams, side: Side, qty: number): { price: number; levels: number } {
  const { tickSize } = p.instrument;
  const best = bestPrices(p.price, tickSize);
  const buy = side === 'Buy';
  let left = qty;
  let value = 0;
  let k = 0;
  let price = buy ? best.ask : best.bid;
  for (; left > 0 && k < MAX_WALK_LEVELS; k++) {
    price = buy ? best.ask + k * tickSize : best.bid - k * tickSize;
    // The bid side ends at one tick: whatever is left trades there.
    if (!buy && price < tickSize) price = tickSize;
    const take = Math.min(left, levelSize(p, buy ? 'a' : 'b', k));
    value += take * price;
    left -= take;
  }
  if (left > 0) value += left * price;
  return { price: Math.max(tickSize, roundToStep(value / qty, tickSize)), levels: k };
}
