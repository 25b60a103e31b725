import type { WebsocketClient } from 'bybit-api';
import { z } from 'zod';
import { toBybotError } from '../../domain/errors.ts';
import { intervalMs, type Balance, type Candle, type Execution, type Interval, type Order, type Position } from '../../domain/types.ts';
import type { ExchangePort } from '../../ports/exchange.ts';
import type { Logger } from '../../observability/logger.ts';
import type { ChannelAlerts } from './channelAlerts.ts';
import { toBalance, toExecution, toOrder, toPosition, wsKlineToCandle } from './mapping.ts';
import { sanitizeExchangeText, type Sanitizer } from './sanitize.ts';
import { ExecutionSchema, OrderSchema, WalletResultSchema, WsKlineSchema, WsPositionSchema, WsTickerSchema } from './schemas.ts';

/**
 * Public (kline with `confirm`, tickers) and private (order, execution, position, wallet)
 * streams behind a small typed event API; the order manager consumes them later. The SDK
 * pings (10 s) and reconnects by itself and re-subscribes after a reconnect; on top of
 * that we backfill, over REST, the candles that closed while the public socket was down,
 * and surface connection changes as events and channel alerts.
 */
export type StreamName = 'public' | 'private';

export type StreamEvent =
  | { readonly type: 'kline'; readonly symbol: string; readonly interval: Interval; readonly candle: Candle; readonly confirm: boolean; readonly backfilled: boolean }
  | {
      readonly type: 'ticker';
      readonly symbol: string;
      readonly lastPrice?: number;
      readonly markPrice?: number;
      readonly bid1Price?: number;
      readonly ask1Price?: number;
      readonly time: number;
    }
  | { readonly type: 'order'; readonly order: Order }
  | { readonly type: 'execution'; readonly execution: Execution }
  | { readonly type: 'position'; readonly position: Position }
  | { readonly type: 'wallet'; readonly balance: Balance }
  | { readonly type: 'connection'; readonly stream: StreamName; readonly state: 'open' | 'reconnecting' | 'reconnected' | 'closed' | 'auth_failed' };

export type StreamEventType = StreamEvent['type'];
type Listener<K extends StreamEventType> = (event: Extract<StreamEvent, { type: K }>) => void;

export interface BybitStreamsOptions {
  readonly publicClient: WebsocketClient;
  /** Null without credentials (public data only). */
  readonly privateClient: WebsocketClient | null;
  /** Used to backfill candles missed while disconnected. */
  readonly rest: Pick<ExchangePort, 'candles'>;
  readonly now: () => number;
  readonly alerts: ChannelAlerts;
  readonly logger: Logger;
  /** Cleans server text (auth failures echo what they got) of credentials. */
  readonly sanitize?: Sanitizer;
}

const PRIVATE_TOPICS = ['order', 'execution', 'position', 'wallet'] as const;
const Frame = z.object({ topic: z.string(), data: z.unknown(), ts: z.number().optional(), creationTime: z.number().optional() });

export class BybitStreams {
  private readonly listeners = new Map<StreamEventType, Set<(event: StreamEvent) => void>>();
  private readonly klineSubs = new Map<string, { symbol: string; interval: Interval; lastConfirmed: number | null }>();
  private readonly tickerSubs = new Set<string>();
  private privateSubscribed = false;
  private closed = false;

  constructor(private readonly o: BybitStreamsOptions) {
    this.wire(o.publicClient, 'public');
    if (o.privateClient) this.wire(o.privateClient, 'private');
  }

  on<K extends StreamEventType>(type: K, listener: Listener<K>): () => void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener as (event: StreamEvent) => void);
    this.listeners.set(type, set);
    return () => set.delete(listener as (event: StreamEvent) => void);
  }

  subscribeKlines(symbol: string, interval: Interval): void {
    const key = `kline.${interval}.${symbol}`;
    if (this.klineSubs.has(key)) return;
    this.klineSubs.set(key, { symbol, interval, lastConfirmed: null });
    this.subscribe(this.o.publicClient, [key], false);
  }

  subscribeTickers(symbol: string): void {
    const key = `tickers.${symbol}`;
    if (this.tickerSubs.has(key)) return;
    this.tickerSubs.add(key);
    this.subscribe(this.o.publicClient, [key], false);
  }

  subscribePrivate(): void {
    if (!this.o.privateClient || this.privateSubscribed) return;
    this.privateSubscribed = true;
    this.subscribe(this.o.privateClient, [...PRIVATE_TOPICS], true);
  }

  close(): void {
    this.closed = true;
    this.o.publicClient.closeAll(true);
    this.o.privateClient?.closeAll(true);
    this.o.publicClient.removeAllListeners();
    this.o.privateClient?.removeAllListeners();
  }

  /** Handles one raw `update` frame; public so tests can feed recorded frames. */
  handleFrame(raw: unknown): void {
    const frame = Frame.safeParse(raw);
    if (!frame.success) return;
    const { topic, data } = frame.data;
    try {
      if (topic.startsWith('kline.')) this.onKline(topic, data);
      else if (topic.startsWith('tickers.')) this.onTicker(data, frame.data.ts ?? this.o.now());
      else if (topic === 'order' || topic.startsWith('order.')) for (const o of z.array(OrderSchema).parse(data)) this.emit({ type: 'order', order: toOrder(o) });
      else if (topic === 'execution' || topic.startsWith('execution.')) for (const e of z.array(ExecutionSchema).parse(data)) this.emit({ type: 'execution', execution: toExecution(e) });
      else if (topic === 'position' || topic.startsWith('position.')) for (const p of z.array(WsPositionSchema).parse(data)) this.emit({ type: 'position', position: toPosition(p) });
      else if (topic === 'wallet') {
        const result = WalletResultSchema.parse({ list: data });
        // A push without the USDT row (and no unified totals) says nothing about USDT.
        const balance = toBalance(result, 'USDT', this.o.now());
        if (balance) this.emit({ type: 'wallet', balance });
      }
    } catch (error) {
      this.o.logger.warn({ event: 'ws_frame_invalid', topic, err: toBybotError(error).message.slice(0, 300) }, `ignored a malformed ${topic} frame`);
    }
  }

  private onKline(topic: string, data: unknown): void {
    const sub = this.klineSubs.get(topic);
    const [, interval, symbol] = topic.split('.');
    if (!interval || !symbol) return;
    for (const k of z.array(WsKlineSchema).parse(data)) {
      const candle = wsKlineToCandle(k);
      if (sub && k.confirm) sub.lastConfirmed = Math.max(sub.lastConfirmed ?? 0, candle.start);
      this.emit({ type: 'kline', symbol, interval: interval as Interval, candle, confirm: k.confirm, backfilled: false });
    }
  }

  private onTicker(data: unknown, time: number): void {
    const t = WsTickerSchema.parse(data);
    this.emit({ type: 'ticker', ...t, time });
  }

  private emit(event: StreamEvent): void {
    for (const listener of this.listeners.get(event.type) ?? []) {
      try {
        listener(event);
      } catch (error) {
        this.o.logger.error({ event: 'stream_listener_failed', type: event.type, err: toBybotError(error).message }, 'stream listener threw');
      }
    }
  }

  private subscribe(client: WebsocketClient, topics: string[], isPrivate: boolean): void {
    const results = client.subscribeV5(topics, 'linear', isPrivate);
    for (const p of results) {
      Promise.resolve(p).catch((error: unknown) => this.o.logger.warn({ event: 'ws_subscribe_failed', topics, err: toBybotError(error).message }, 'subscribe failed'));
    }
  }

  private wire(client: WebsocketClient, stream: StreamName): void {
    const channel = stream === 'public' ? 'ws-public' : 'ws-private';
    client.on('update', (frame: unknown) => this.handleFrame(frame));
    client.on('open', () => this.emit({ type: 'connection', stream, state: 'open' }));
    client.on('reconnect', () => {
      if (this.closed) return;
      this.o.alerts.raise(channel, 'ws_reconnecting', `${stream} websocket lost; the SDK is reconnecting`);
      this.emit({ type: 'connection', stream, state: 'reconnecting' });
    });
    client.on('reconnected', () => {
      this.o.alerts.raise(channel, 'ws_reconnected', `${stream} websocket reconnected and resubscribed`);
      this.emit({ type: 'connection', stream, state: 'reconnected' });
      if (stream === 'public') void this.backfill();
    });
    client.on('close', () => {
      if (!this.closed) this.emit({ type: 'connection', stream, state: 'closed' });
    });
    client.on('exception', (event: unknown) => {
      const e = (event ?? {}) as { op?: unknown; ret_msg?: unknown };
      if (e.op === 'auth') {
        // The SDK never retries a failed private auth and never subscribes: say so loudly.
        this.o.alerts.raise(channel, 'ws_auth_failed', `private websocket authentication failed: ${this.clean(String(e.ret_msg ?? ''))}`);
        this.emit({ type: 'connection', stream, state: 'auth_failed' });
        return;
      }
      this.o.logger.warn({ event: 'ws_exception', stream, detail: typeof e.ret_msg === 'string' ? this.clean(e.ret_msg) : undefined }, `${stream} websocket exception`);
    });
  }

  private clean(text: string): string {
    return (this.o.sanitize ?? sanitizeExchangeText)(text);
  }

  /** Emits, from REST, the closed candles after the last confirmed one of each kline subscription. */
  async backfill(): Promise<number> {
    let emitted = 0;
    for (const sub of this.klineSubs.values()) {
      if (sub.lastConfirmed === null) continue;
      const step = intervalMs(sub.interval);
      try {
        const candles = await this.o.rest.candles({ symbol: sub.symbol, interval: sub.interval, limit: 200, start: sub.lastConfirmed + step });
        const now = this.o.now();
        for (const candle of candles) {
          if (candle.start <= (sub.lastConfirmed ?? 0) || candle.start + step > now) continue;
          sub.lastConfirmed = candle.start;
          emitted += 1;
          this.emit({ type: 'kline', symbol: sub.symbol, interval: sub.interval, candle, confirm: true, backfilled: true });
        }
      } catch (error) {
        this.o.logger.warn({ event: 'kline_backfill_failed', symbol: sub.symbol, interval: sub.interval, err: toBybotError(error).message }, 'candle backfill after reconnect failed');
      }
    }
    if (emitted > 0) this.o.logger.info({ event: 'kline_backfill', candles: emitted }, `backfilled ${emitted} candles missed while disconnected`);
    return emitted;
  }
}
