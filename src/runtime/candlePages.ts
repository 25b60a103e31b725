import type { Candle, Interval } from '../domain/types.ts';
import type { CallOptions, ExchangePort } from '../ports/exchange.ts';

/** Bybit's kline endpoint returns at most this many candles per request. */
export const KLINE_PAGE = 1000;

/**
 * The newest `limit` candles (oldest first), in pages of at most 1000 when more are needed
 * (a strategy kernel's warm-up can be longer than one page): newest page first, then older
 * pages ending just before the oldest candle already read.
 */
export async function fetchCandlePages(exchange: ExchangePort, symbol: string, interval: Interval, limit: number, options?: CallOptions): Promise<Candle[]> {
  if (limit <= KLINE_PAGE) return exchange.candles({ symbol, interval, limit }, options);
  const pages: Candle[][] = [];
  let remaining = limit;
  let end: number | undefined;
  while (remaining > 0) {
    const size = Math.min(KLINE_PAGE, remaining);
    const page = await exchange.candles({ symbol, interval, limit: size, ...(end === undefined ? {} : { end }) }, options);
    const older = end === undefined ? page : page.filter((c) => c.start <= end!);
    if (older.length === 0) break;
    pages.unshift(older);
    remaining -= older.length;
    end = older[0]!.start - 1;
    if (older.length < size) break;
  }
  return pages.flat();
}
