import type { MarketGenerator } from './market.ts';
import { MINUTE_MS, PATH_OFFSETS, pathPrice } from './pricePath.ts';

/** A monotone stretch of the price path, ending at `time`. */
export type MoveHandler = (from: number, to: number, time: number) => void;

/**
 * Replays the price path of `symbol` between two times as monotone pieces, oldest first,
 * so the engine sees every price the market traded through, in order: a stop-loss and a
 * take-profit in the same minute trigger in the order the path reaches them.
 * Stops early once `active()` says nothing can happen any more.
 */
export function walkPath(market: MarketGenerator, symbol: string, from: number, to: number, onMove: MoveHandler, active: () => boolean): void {
  const { tickSize } = market.instrument(symbol);
  let t = Math.max(from, market.origin);
  while (t < to && active()) {
    const bar = market.bar(symbol, market.minuteIndex(t));
    const end = Math.min(to, bar.start + MINUTE_MS);
    for (let i = 1; i < PATH_OFFSETS.length; i++) {
      const s = Math.max(t, bar.start + PATH_OFFSETS[i - 1]!);
      const e = Math.min(end, bar.start + PATH_OFFSETS[i]!);
      if (e <= s) continue;
      onMove(pathPrice(bar, s - bar.start, tickSize), pathPrice(bar, e - bar.start, tickSize), e);
    }
    t = end;
  }
}
