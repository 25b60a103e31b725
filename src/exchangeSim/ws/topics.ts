import { KLINE_INTERVALS, type KlineInterval } from '../../sim/klineIntervals.ts';

export const PRIVATE_TOPICS = ['order', 'execution', 'position', 'wallet'] as const;
export type PrivateTopic = (typeof PRIVATE_TOPICS)[number];

/** Order book depths Bybit streams for linear and spot (websocket/public/orderbook). */
export const BOOK_DEPTHS = [1, 50, 200, 500, 1000] as const;

export type ParsedTopic =
  | { readonly kind: 'kline'; readonly interval: KlineInterval; readonly symbol: string }
  | { readonly kind: 'tickers'; readonly symbol: string }
  | { readonly kind: 'orderbook'; readonly depth: number; readonly symbol: string }
  | { readonly kind: 'publicTrade'; readonly symbol: string }
  | { readonly kind: 'private'; readonly topic: PrivateTopic };

/** Topics the simulator serves; null = Bybit's "error:handler not found". */
export function parseTopic(topic: string): ParsedTopic | null {
  const kline = /^kline\.([^.]+)\.([A-Z0-9]+)$/.exec(topic);
  if (kline) return (KLINE_INTERVALS as readonly string[]).includes(kline[1]!) ? { kind: 'kline', interval: kline[1] as KlineInterval, symbol: kline[2]! } : null;
  const tickers = /^tickers\.([A-Z0-9]+)$/.exec(topic);
  if (tickers) return { kind: 'tickers', symbol: tickers[1]! };
  const book = /^orderbook\.(\d+)\.([A-Z0-9]+)$/.exec(topic);
  if (book) return (BOOK_DEPTHS as readonly number[]).includes(Number(book[1])) ? { kind: 'orderbook', depth: Number(book[1]), symbol: book[2]! } : null;
  const trade = /^publicTrade\.([A-Z0-9]+)$/.exec(topic);
  if (trade) return { kind: 'publicTrade', symbol: trade[1]! };
  // "order" and the category-scoped "order.linear" both exist on Bybit.
  const priv = /^(order|execution|position|wallet)(\.linear)?$/.exec(topic);
  if (priv) return { kind: 'private', topic: priv[1] as PrivateTopic };
  return null;
}
