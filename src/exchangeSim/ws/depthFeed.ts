import type { Logger } from 'pino';
import type { SimDeps } from '../context.ts';
import { bookView, wsTradeView } from '../format.ts';
import { marketBook, tradesSince } from '../microstructure.ts';
import type { WsConnection } from './connection.ts';
import type { WsHub } from './hub.ts';

interface BookState {
  /** price -> size of the last book published on the topic. */
  bids: Map<number, number>;
  asks: Map<number, number>;
  u: number;
  /** The last frame's data, re-sent as the snapshot to a new subscriber. */
  snapshot: Record<string, unknown>;
}

/**
 * `orderbook.{depth}.{symbol}` and `publicTrade.{symbol}` from the liquidity model. A book
 * topic starts with a `snapshot` (the book last published on it, so every subscriber's copy
 * agrees with the deltas that follow), then `delta`s with the levels that changed (size "0"
 * deletes a level), `u` counting the topic's updates from 1 and `seq` one sequence across
 * all books; depth 1 is snapshot-only, as on Bybit. Trades go out as they happen on the sim
 * clock, oldest first, at most 1024 per message.
 */
export class DepthFeed {
  private readonly books = new Map<string, BookState>();
  private readonly tradeCursor = new Map<string, number>();
  private seq = 1;

  constructor(
    private readonly deps: SimDeps,
    private readonly hub: WsHub,
    private readonly logger?: Logger,
  ) {}

  /** Right after a subscription: the book's snapshot; trades start from now. */
  onSubscribe(c: WsConnection, topic: string, kind: 'orderbook' | 'publicTrade', symbol: string, depth: number): void {
    if (kind === 'publicTrade') {
      if (!this.tradeCursor.has(topic)) this.tradeCursor.set(topic, this.deps.clock.now());
      return;
    }
    const state = this.books.get(topic) ?? this.publishBook(topic, symbol, depth, false);
    if (state) c.send(state.snapshot);
  }

  /** One push round over the topics someone is subscribed to. */
  push(topics: readonly string[], parse: (topic: string) => { kind: string; symbol?: string; depth?: number } | null): void {
    const live = new Set(topics);
    for (const topic of [...this.books.keys()]) if (!live.has(topic)) this.books.delete(topic);
    for (const topic of [...this.tradeCursor.keys()]) if (!live.has(topic)) this.tradeCursor.delete(topic);
    for (const topic of topics) {
      const parsed = parse(topic);
      try {
        if (parsed?.kind === 'orderbook') this.publishBook(topic, parsed.symbol!, parsed.depth!, true);
        else if (parsed?.kind === 'publicTrade') this.publishTrades(topic, parsed.symbol!);
      } catch (error) {
        this.logger?.warn({ err: error, topic }, 'exchange-sim depth push failed');
      }
    }
  }

  private publishBook(topic: string, symbol: string, depth: number, broadcast: boolean): BookState | undefined {
    const book = marketBook(this.deps, symbol, depth);
    const instrument = this.deps.sim.market.instrument(symbol);
    const bids = new Map(book.bids.map(([p, q]) => [p, q]));
    const asks = new Map(book.asks.map(([p, q]) => [p, q]));
    const previous = this.books.get(topic);
    const seq = this.seq++;
    const full = bookView({ ...book, u: (previous?.u ?? 0) + 1, seq }, instrument);
    const data = { s: full['s'], b: full['b'], a: full['a'], u: full['u'], seq };
    const snapshot = { topic, type: 'snapshot', ts: book.time, data, cts: book.time };
    if (!previous || depth === 1) {
      const state: BookState = { bids, asks, u: data.u as number, snapshot };
      this.books.set(topic, state);
      if (broadcast) this.hub.publish(topic, snapshot);
      return state;
    }
    const changes = (before: Map<number, number>, after: Map<number, number>): Array<[number, number]> => {
      const out: Array<[number, number]> = [];
      for (const [p, q] of after) if (before.get(p) !== q) out.push([p, q]);
      for (const p of before.keys()) if (!after.has(p)) out.push([p, 0]);
      return out;
    };
    const b = changes(previous.bids, bids).sort((x, y) => y[0] - x[0]);
    const a = changes(previous.asks, asks).sort((x, y) => x[0] - y[0]);
    if (b.length === 0 && a.length === 0) return previous;
    const level = ([p, q]: [number, number]): [string, string] => {
      const view = bookView({ symbol, time: 0, u: 0, seq: 0, bids: [[p, q]], asks: [] }, instrument)['b'] as Array<[string, string]>;
      return q === 0 ? [view[0]![0], '0'] : view[0]!;
    };
    const state: BookState = { bids, asks, u: previous.u + 1, snapshot };
    state.snapshot = { ...snapshot, data: { ...data, u: state.u } };
    this.books.set(topic, state);
    this.hub.publish(topic, { topic, type: 'delta', ts: book.time, data: { s: symbol, b: b.map(level), a: a.map(level), u: state.u, seq }, cts: book.time });
    return state;
  }

  private publishTrades(topic: string, symbol: string): void {
    const now = this.deps.clock.now();
    const from = this.tradeCursor.get(topic) ?? now;
    this.tradeCursor.set(topic, now);
    const trades = tradesSince(this.deps, symbol, from, now);
    if (trades.length === 0) return;
    const instrument = this.deps.sim.market.instrument(symbol);
    this.hub.publish(topic, { topic, type: 'snapshot', ts: now, data: trades.map((t) => wsTradeView(t, instrument)) });
  }
}
