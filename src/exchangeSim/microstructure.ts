import { bookSnapshot, type BookSnapshot } from '../sim/orderBook.ts';
import { recentTrades, tradesBetween, type PublicTrade, type TradeSource } from '../sim/publicTrades.ts';
import type { SimDeps } from './context.ts';

/**
 * The order book and public trades of the simulated market at the sim clock's now, from the
 * liquidity model (src/sim/orderBook.ts, src/sim/publicTrades.ts). `u` and `seq` of a REST
 * book are derived from the time (an update every 100 ms); the WS feed numbers its own
 * updates per topic.
 */
export interface MarketBook extends BookSnapshot {
  readonly symbol: string;
  readonly time: number;
  readonly u: number;
  readonly seq: number;
}

export function marketBook(deps: SimDeps, symbol: string, depth: number): MarketBook {
  const { market } = deps.sim;
  const time = deps.clock.now();
  const snapshot = bookSnapshot({ seed: market.seed, symbol, instrument: market.instrument(symbol), price: market.lastPrice(symbol), liquidity: market.liquidity(symbol), time }, depth);
  const u = Math.max(1, Math.floor(time / 100));
  return { ...snapshot, symbol, time, u, seq: u };
}

export function tradeSource(deps: SimDeps, symbol: string): TradeSource {
  const { market } = deps.sim;
  return { seed: market.seed, instrument: market.instrument(symbol), priceAt: (t) => market.priceAt(symbol, t), liquidity: market.liquidity(symbol) };
}

/** The `limit` newest public trades up to now, newest first. */
export function marketTrades(deps: SimDeps, symbol: string, limit: number): PublicTrade[] {
  return recentTrades(tradeSource(deps, symbol), deps.clock.now(), limit, deps.sim.market.origin);
}

/** Public trades in (from, to], oldest first, at most 1024 (Bybit's per-message cap). */
export function tradesSince(deps: SimDeps, symbol: string, from: number, to: number): PublicTrade[] {
  return tradesBetween(tradeSource(deps, symbol), Math.max(from, deps.sim.market.origin - 1), to, 1024);
}
