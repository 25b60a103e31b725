import { INTERVALS, type Interval } from '../../domain/types.ts';

export const PRIVATE_TOPICS = ['order', 'execution', 'position', 'wallet'] as const;
export type PrivateTopic = (typeof PRIVATE_TOPICS)[number];

export type ParsedTopic =
  | { readonly kind: 'kline'; readonly interval: Interval; readonly symbol: string }
  | { readonly kind: 'tickers'; readonly symbol: string }
  | { readonly kind: 'private'; readonly topic: PrivateTopic };

/** Topics the simulator serves; null = Bybit's "error:handler not found". */
export function parseTopic(topic: string): ParsedTopic | null {
  const kline = /^kline\.([^.]+)\.([A-Z0-9]+)$/.exec(topic);
  if (kline) return (INTERVALS as readonly string[]).includes(kline[1]!) ? { kind: 'kline', interval: kline[1] as Interval, symbol: kline[2]! } : null;
  const tickers = /^tickers\.([A-Z0-9]+)$/.exec(topic);
  if (tickers) return { kind: 'tickers', symbol: tickers[1]! };
  // "order" and the category-scoped "order.linear" both exist on Bybit.
  const priv = /^(order|execution|position|wallet)(\.linear)?$/.exec(topic);
  if (priv) return { kind: 'private', topic: priv[1] as PrivateTopic };
  return null;
}
