import type { Clock } from '../ports/clock.ts';
import type { BybitStreams } from '../exchange/bybit/streams.ts';

/** The latest price of a symbol for the order path's pre-send check; undefined = not known (the check passes). */
export type LastPrice = (symbol: string) => number | undefined;

export interface StreamLastPrices {
  readonly price: LastPrice;
  close(): void;
}

/**
 * The latest traded price per symbol from the public streams (ticker `lastPrice`, and each
 * kline push's close), without a request. A price older than `maxAgeMs` (simulated ms: a
 * silent or disconnected stream) is not used: the check then leaves the decision to the
 * exchange rather than refuse an entry on an old price.
 */
export function streamLastPrices(streams: Pick<BybitStreams, 'on'>, clock: Clock, maxAgeMs = 60_000): StreamLastPrices {
  const latest = new Map<string, { price: number; at: number }>();
  const note = (symbol: string, price: number | undefined): void => {
    if (price !== undefined && Number.isFinite(price) && price > 0) latest.set(symbol, { price, at: clock.now() });
  };
  const offs = [
    streams.on('ticker', (event) => note(event.symbol, event.lastPrice)),
    streams.on('kline', (event) => {
      // A backfilled candle is history, not the price now.
      if (!event.backfilled) note(event.symbol, event.candle.close);
    }),
  ];
  return {
    price(symbol) {
      const hit = latest.get(symbol);
      return hit && clock.now() - hit.at <= maxAgeMs ? hit.price : undefined;
    },
    close() {
      for (const off of offs) off();
    },
  };
}
