import type { Logger } from 'pino';
import type { Candle } from '../../domain/types.ts';
import { klineNext, type KlineInterval } from '../../sim/klineIntervals.ts';
import { corruptOne } from '../badData.ts';
import type { SimDeps } from '../context.ts';
import { wsKline } from '../format.ts';
import { tickerItem } from '../routes/market.ts';
import type { WsConnection } from './connection.ts';
import { DepthFeed } from './depthFeed.ts';
import type { WsHub } from './hub.ts';
import { parseTopic, type ParsedTopic } from './topics.ts';

const MINUTE = 60_000;
/** Between minute boundaries, the forming candle and ticker are re-pushed this often (sim ms). */
const PUSH_GAP_MS = 10_000;

/**
 * Public pushes driven by timers on the SIM clock: at every simulated minute boundary the
 * candles that just closed go out with confirm=true, then the forming ones (confirm=false)
 * and ticker deltas; between boundaries every PUSH_GAP_MS. Each tick also syncs the
 * matching engine, so resting orders and stops fill on time and private topics push.
 */
export class PublicFeed {
  private handle: unknown = null;
  private stopped = false;
  /** Start of the forming candle last pushed, per kline topic. */
  private readonly lastStart = new Map<string, number>();
  /** Count of confirmed pushes per topic (drives the 'gap' fault deterministically). */
  private readonly confirms = new Map<string, number>();
  private readonly lastConfirmed = new Map<string, Candle>();
  /** Start of the newest candle pushed with confirm=true (or closed before the subscription), per kline topic. */
  private readonly confirmedUpTo = new Map<string, number>();
  private readonly depth: DepthFeed;

  constructor(
    private readonly deps: SimDeps,
    private readonly hub: WsHub,
    private readonly logger?: Logger,
  ) {
    this.depth = new DepthFeed(deps, hub, logger);
    hub.onSubscribe((c, topic, parsed) => this.snapshot(c, topic, parsed));
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.handle !== null) this.deps.clock.clearTimeout(this.handle);
    this.handle = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    const nextMinute = (Math.floor(now / MINUTE) + 1) * MINUTE;
    this.handle = this.deps.clock.setTimeout(() => this.tick(), Math.min(nextMinute, now + PUSH_GAP_MS) - now);
  }

  private tick(): void {
    try {
      this.deps.sim.engine.sync();
      if (!this.deps.faults.get().wsSilent) this.pushAll();
    } catch (error) {
      this.logger?.warn({ err: error }, 'exchange-sim public push failed');
    }
    this.schedule();
  }

  private pushAll(): void {
    const topics = new Set<string>();
    for (const c of this.hub.connections) for (const t of c.topics) topics.add(t);
    const sorted = [...topics].sort();
    for (const topic of sorted) {
      const parsed = parseTopic(topic);
      if (parsed?.kind === 'kline') this.pushKline(topic, parsed.symbol, parsed.interval);
      else if (parsed?.kind === 'tickers') this.pushTicker(topic, parsed.symbol, 'delta');
    }
    this.depth.push(sorted, parseTopic);
  }

  /** The current state of a topic right after subscribing (Bybit sends it at once). */
  private snapshot(c: WsConnection, topic: string, parsed: ParsedTopic): void {
    if (this.deps.faults.get().wsSilent || parsed.kind === 'private') return;
    try {
      if (parsed.kind === 'tickers') {
        c.send(this.tickerFrame(topic, parsed.symbol, 'snapshot'));
        return;
      }
      if (parsed.kind === 'orderbook' || parsed.kind === 'publicTrade') {
        this.depth.onSubscribe(c, topic, parsed.kind, parsed.symbol, parsed.kind === 'orderbook' ? parsed.depth : 0);
        return;
      }
      const current = this.current(parsed.symbol, parsed.interval);
      if (!current) return;
      const closed = this.isClosed(parsed.interval, current);
      if (!this.lastStart.has(topic)) this.lastStart.set(topic, current.start);
      if (!this.confirmedUpTo.has(topic)) this.confirmedUpTo.set(topic, closed ? current.start : current.start - 1);
      c.send(this.klineFrame(topic, parsed.symbol, parsed.interval, [this.corrupt(parsed.symbol, current)], closed));
    } catch (error) {
      this.logger?.warn({ err: error, topic }, 'exchange-sim snapshot failed');
    }
  }

  /** The newest candle: forming on the generated market; on a replay the newest stored bar that has closed (or a coarser candle built from them). */
  private current(symbol: string, interval: KlineInterval): Candle | undefined {
    return this.deps.sim.market.klines({ symbol, interval, limit: 1 }).at(-1);
  }

  private isClosed(interval: KlineInterval, candle: Candle): boolean {
    return klineNext(interval, candle.start) <= this.deps.clock.now();
  }

  private corrupt(symbol: string, candle: Candle): Candle {
    const kinds = this.deps.faults.badDataFor(symbol);
    return kinds.length === 0 ? candle : corruptOne(candle, kinds);
  }

  private klineFrame(topic: string, symbol: string, interval: KlineInterval, candles: Candle[], confirm: boolean): Record<string, unknown> {
    const instrument = this.deps.sim.market.instrument(symbol);
    const now = this.deps.clock.now();
    return { topic, data: candles.map((c) => wsKline(c, interval, instrument, confirm, now)), ts: now, type: 'snapshot' };
  }

  private pushKline(topic: string, symbol: string, interval: KlineInterval): void {
    const current = this.current(symbol, interval);
    if (!current) return;
    const previous = this.lastStart.get(topic);
    const confirmed = this.confirmedUpTo.get(topic) ?? Number.NEGATIVE_INFINITY;
    // The candle we were forming has closed: its final update goes out first.
    if (previous !== undefined && current.start > previous && previous > confirmed) this.pushConfirmed(topic, symbol, interval, previous);
    this.lastStart.set(topic, current.start);
    if (this.isClosed(interval, current)) {
      // A replay shows bars only once closed: each new one goes out confirmed.
      if (current.start > (this.confirmedUpTo.get(topic) ?? Number.NEGATIVE_INFINITY)) this.pushConfirmed(topic, symbol, interval, current.start);
      return;
    }
    this.hub.publish(topic, this.klineFrame(topic, symbol, interval, [this.corrupt(symbol, current)], false));
  }

  /** The final update of a closed candle, with the stream-level bad-data faults. */
  private pushConfirmed(topic: string, symbol: string, interval: KlineInterval, start: number): void {
    this.confirmedUpTo.set(topic, Math.max(start, this.confirmedUpTo.get(topic) ?? Number.NEGATIVE_INFINITY));
    const closed = this.deps.sim.market.klines({ symbol, interval, start, end: start, limit: 1 })[0];
    if (!closed || closed.start !== start) return;
    const kinds = this.deps.faults.badDataFor(symbol);
    const count = (this.confirms.get(topic) ?? 0) + 1;
    this.confirms.set(topic, count);
    const older = this.lastConfirmed.get(topic);
    this.lastConfirmed.set(topic, closed);
    // gap: every third closed candle never arrives.
    if (kinds.includes('gap') && count % 3 === 0) return;
    const frame = this.klineFrame(topic, symbol, interval, [this.corrupt(symbol, closed)], true);
    this.hub.publish(topic, frame);
    if (kinds.includes('duplicate')) this.hub.publish(topic, frame);
    // outOfOrder: the previous closed candle arrives again after the newer one.
    if (kinds.includes('outOfOrder') && older && klineNext(interval, older.start) <= closed.start) {
      this.hub.publish(topic, this.klineFrame(topic, symbol, interval, [this.corrupt(symbol, older)], true));
    }
  }

  private tickerFrame(topic: string, symbol: string, type: 'snapshot' | 'delta'): Record<string, unknown> {
    const now = this.deps.clock.now();
    return { topic, type, data: tickerItem(this.deps, symbol), cs: Math.floor(now / 100), ts: now };
  }

  private pushTicker(topic: string, symbol: string, type: 'snapshot' | 'delta'): void {
    this.hub.publish(topic, this.tickerFrame(topic, symbol, type));
  }
}
