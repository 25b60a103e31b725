import { performance } from 'node:perf_hooks';
import { closedCandles } from '../../core/data/validate.ts';
import { intervalMs, type Candle, type Instrument, type Interval } from '../../domain/types.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ExchangePort } from '../../ports/exchange.ts';
import type { FetchMarketInput, MarketReplyTarget, MarketSnapshot, MarketSource } from '../../../machines/strategy.types.ts';
import type { AccountTracker } from '../accountTracker.ts';
import { fetchCandlePages } from '../candlePages.ts';
import type { InstrumentCache } from '../instrumentCache.ts';
import type { MarketFreshness } from '../marketFreshness.ts';
import type { TradingGate } from '../tradingGate.ts';
import type { AccountReading, AccountView } from './accountView.ts';
import type { CandleSource } from './candleSource.ts';
import { SeriesBuffer } from './seriesBuffer.ts';
import type { AllocationView } from '../../core/portfolio/types.ts';

/** Close dispatch in real ms before the hub yields to the event loop (see drain). */
export const DEFAULT_SLICE_MS = 2;

export interface MarketHubOptions {
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  readonly gate: TradingGate;
  readonly account: AccountTracker;
  readonly instruments: InstrumentCache;
  readonly view: AccountView;
  readonly source: CandleSource;
  /**
   * Real milliseconds of close dispatch before yielding to the event loop (2,000 actors
   * whose candles close together must not block it; default DEFAULT_SLICE_MS); Infinity =
   * never yield (backtests).
   */
  readonly sliceMs?: number;
  /** Called for every request with where its answer came from (metrics). */
  readonly onRequest?: (source: 'memory' | 'rest') => void;
  /** Per-symbol data freshness for /ready: the candles actors were given (from memory or REST). */
  readonly freshness?: MarketFreshness;
  /** The portfolio book (budgets, correlations, the leader's regime); absent or null when the portfolio section is off. */
  readonly portfolio?: PortfolioAllocations | null;
}

/** What the hub needs of the portfolio service: its allocation at an instant. */
export interface PortfolioAllocations {
  /** The allocation when the book is up to date at `now` (no check due), else null. */
  viewIfCurrent(now: number): AllocationView | null;
  /** The allocation at `now`, after the book has evaluated every check due by then. */
  viewAt(now: number): Promise<AllocationView>;
}

/** Counters for /metrics and the bench. */
export interface MarketHubStats {
  /** Requests answered from memory at once. */
  memory: number;
  /** Requests that needed REST (warm-up, gap repair, stale account or instrument). */
  rest: number;
  /** Closed candles dispatched. */
  closes: number;
}

type CloseListener = (symbol: string, intervalMs: number, start: number) => void;

/**
 * The strategy actors' market data (issue 13: event-driven cycles, REST only when needed):
 * - closed candles arrive from the kline stream (CandleSource) into one SeriesBuffer per
 *   symbol x interval, and each close is dispatched to the listener (the runtime sends
 *   CANDLE_CLOSED to the symbol's supervisor, which starts its actors' cycles), in slices
 *   that yield to the event loop;
 * - an actor's request (its `fetching` state) is answered at once from memory when the
 *   buffer holds every candle its kernel has not seen, the account view is current and the
 *   instrument is cached; otherwise over REST (the warm-up, a gap, a stale account), and the
 *   REST rows go into the buffer.
 * The snapshot is what the per-actor REST reads used to return, so decisions are unchanged.
 */
export class MarketHub implements MarketSource {
  readonly stats: MarketHubStats = { memory: 0, rest: 0, closes: 0 };
  private readonly buffers = new Map<string, SeriesBuffer>();
  private readonly pending = new Map<string, AbortController>();
  private readonly queue: { readonly symbol: string; readonly intervalMs: number; readonly start: number }[] = [];
  /** Newest close the stream confirmed per `symbol:intervalMs`, dispatched or still queued. */
  private readonly confirmed = new Map<string, number>();
  /** The dispatch waits for an account read (not for CPU): the fallback timers may stand in. */
  private awaitingAccount = false;
  private draining = false;
  private listener: CloseListener | null = null;
  private readonly offSource: () => void;
  private readonly offBackfill: () => void;

  constructor(private readonly o: MarketHubOptions) {
    this.offSource = o.source.onClosed((symbol, interval, candle) => this.candleClosed(symbol, interval, candle));
    // History older than a series' first confirmed close: into the buffer, not dispatched.
    this.offBackfill = o.source.onBackfill?.((symbol, interval, rows) => this.buffer(symbol, interval).merge(rows)) ?? (() => undefined);
  }

  /** Follow a series: its closed candles are buffered and dispatched. */
  subscribe(symbol: string, interval: Interval): void {
    this.buffer(symbol, interval);
    this.o.source.subscribe(symbol, interval);
  }

  onCandleClosed(listener: CloseListener): void {
    this.listener = listener;
  }

  /** True while closes wait to be dispatched (the lock-step clock must not move on). */
  busy(): boolean {
    return this.draining || this.queue.length > 0;
  }

  close(): void {
    this.offSource();
    this.offBackfill();
    this.o.source.close();
    for (const controller of this.pending.values()) controller.abort();
    this.pending.clear();
  }

  /** A confirmed candle: buffered; a new one is dispatched. */
  candleClosed(symbol: string, interval: Interval, candle: Candle): void {
    if (!this.buffer(symbol, interval).add(candle)) return;
    const step = intervalMs(interval);
    this.confirmed.set(`${symbol}:${step}`, candle.start);
    this.queue.push({ symbol, intervalMs: step, start: candle.start });
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(() => void this.drain());
    }
  }

  /**
   * Start of the newest candle of a series the stream confirmed (its close may still wait in
   * the dispatch queue), or -Infinity. The supervisors' fallback timers ask: under load the
   * queue can lag the fallback grace, and a fallback tick for a close already on its way
   * only added REST reads and work to the backlog that delayed it. Not while the dispatch
   * waits for an account read: a venue that refuses or stalls it (a 10006 storm) must not
   * hold the actors' iterations back, the fallback starts them as before.
   */
  streamConfirmed(symbol: string, stepMs: number): number {
    if (this.awaitingAccount) return Number.NEGATIVE_INFINITY;
    return this.confirmed.get(`${symbol}:${stepMs}`) ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * The answer when everything is in memory and current (candles up to the last close,
   * instrument, account and, with a portfolio book, its allocation view), else null. The
   * strategy machine raises it inside the TICK's own step (one XState macrostep per cycle
   * instead of two); `request` answers the rest.
   */
  answerFromMemory(input: FetchMarketInput): MarketSnapshot | null {
    const { answer } = this.inMemory(input);
    if (answer) this.count('memory');
    return answer;
  }

  request(actor: MarketReplyTarget, input: FetchMarketInput): void {
    const { market, answer } = this.inMemory(input);
    // Over REST, or from memory once the portfolio book has caught up with its checks.
    this.count(market ? 'memory' : 'rest');
    if (answer) {
      actor.send({ type: 'MARKET', market: answer });
      return;
    }
    this.pending.get(input.actorId)?.abort();
    const controller = new AbortController();
    this.pending.set(input.actorId, controller);
    const settle = (reply: Parameters<MarketReplyTarget['send']>[0]): void => {
      if (controller.signal.aborted || this.pending.get(input.actorId) !== controller) return;
      this.pending.delete(input.actorId);
      if (actor.getSnapshot().status === 'active') actor.send(reply);
    };
    this.resolve(input, controller.signal, market).then(
      (snapshot) => settle({ type: 'MARKET', market: snapshot }),
      (error: unknown) => settle({ type: 'MARKET_FAILED', error }),
    );
  }

  /**
   * What memory holds for one request, read once: the candles, instrument and account
   * (`market`, null when any of them must be read), and the whole answer (`answer`: the same
   * with the portfolio book's allocation view, null while that view is not current).
   */
  private inMemory(input: FetchMarketInput): { readonly market: MarketSnapshot | null; readonly answer: MarketSnapshot | null } {
    const now = this.o.clock.now();
    const portfolio = this.o.portfolio;
    const allocation = portfolio ? portfolio.viewIfCurrent(now) : null;
    const market = this.fromMemory(input, now);
    if (!market || !portfolio) return { market, answer: market };
    return { market, answer: allocation ? withAllocation(market, allocation) : null };
  }

  private count(source: 'memory' | 'rest'): void {
    this.stats[source]++;
    this.o.onRequest?.(source);
  }

  cancel(actorId: string): void {
    const controller = this.pending.get(actorId);
    if (!controller) return;
    this.pending.delete(actorId);
    controller.abort();
  }

  private buffer(symbol: string, interval: Interval): SeriesBuffer {
    const key = `${symbol}:${interval}`;
    let buffer = this.buffers.get(key);
    if (!buffer) {
      buffer = new SeriesBuffer(intervalMs(interval));
      this.buffers.set(key, buffer);
    }
    return buffer;
  }

  private fromMemory(input: FetchMarketInput, now: number): MarketSnapshot | null {
    if (!Number.isFinite(input.since)) return null;
    const buffer = this.buffers.get(`${input.symbol}:${input.interval}`);
    if (!buffer) return null;
    const instrument = this.o.instruments.peek(input.symbol, now);
    if (!instrument) return null;
    const account = this.o.view.current(now);
    if (!account) return null;
    const step = buffer.stepMs;
    const candles = buffer.after(input.since, Math.floor(now / step) * step - step);
    if (!candles) return null;
    return this.snapshot(input, now, candles, instrument, account);
  }

  private async resolve(input: FetchMarketInput, signal: AbortSignal, memory: MarketSnapshot | null): Promise<MarketSnapshot> {
    const market = memory ?? (await this.fromRest(input, signal));
    const portfolio = this.o.portfolio;
    return portfolio ? withAllocation(market, await portfolio.viewAt(market.now)) : market;
  }

  private async fromRest(input: FetchMarketInput, signal: AbortSignal): Promise<MarketSnapshot> {
    const { exchange, clock } = this.o;
    const [candles, instrument, account] = await Promise.all([
      fetchCandlePages(exchange, input.symbol, input.interval, input.limit, { signal }),
      this.o.instruments.get(input.symbol, { signal }),
      // The shared read is not tied to one actor's signal: others may be waiting on it.
      this.o.view.current(clock.now()) ?? this.o.view.refresh(),
    ]);
    const now = clock.now();
    this.buffer(input.symbol, input.interval).merge(closedCandles(candles, intervalMs(input.interval), now));
    return this.snapshot(input, now, candles, instrument, account);
  }

  private snapshot(input: FetchMarketInput, now: number, candles: readonly Candle[], instrument: Instrument, account: AccountReading): MarketSnapshot {
    const { balance } = account;
    // What the actors received, not what the stream delivered: during a REST outage the
    // stream may stay fresh while no actor can read its account (/ready must say stale).
    if (candles.length > 0) this.o.freshness?.record(input.symbol, input.interval, candles, now);
    this.o.account.observe(balance.equity, now);
    return {
      now,
      candles,
      instrument,
      portfolio: {
        equity: balance.equity,
        availableBalance: balance.availableBalance,
        positions: account.positions,
        openOrders: account.openOrders,
        dayStartEquity: this.o.account.dayStartEquity(now),
      },
      tradingState: this.o.gate.current(),
    };
  }

  /**
   * Dispatches the queued closes: first makes the account current (one REST read for every
   * actor of this instant when no private stream keeps it), then hands each close to the
   * listener, yielding to the event loop after `sliceMs` of work.
   */
  private async drain(): Promise<void> {
    try {
      // 2 ms: at 2,000 actors (500 symbols closing together) 8 ms slices gave an event-loop
      // delay p99 of 20-25 ms and a cycle p99 of 4-6 ms, 2 ms slices 13-15 ms and 1.7-1.9 ms,
      // with the same tick-to-order; a yield costs a setImmediate turn and an account check.
      const sliceMs = this.o.sliceMs ?? DEFAULT_SLICE_MS;
      // One shared re-read per slice when the view goes stale in the middle of it: the account
      // ages in simulated time while the actors decide (at 60x, a polled reading's 1 s is 17
      // real ms), and a stale view sent every later actor of the slice to REST on its own.
      // Not after a failed read: the venue is refusing, each actor's own read fails as before.
      let reread = !(await this.ensureAccount());
      let sliceStart = performance.now();
      while (this.queue.length > 0) {
        if (!reread && !this.o.view.current(this.o.clock.now())) {
          reread = true;
          await this.ensureAccount();
        }
        const next = this.queue.shift()!;
        this.stats.closes++;
        this.listener?.(next.symbol, next.intervalMs, next.start);
        if (this.queue.length > 0 && performance.now() - sliceStart > sliceMs) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          reread = !(await this.ensureAccount());
          sliceStart = performance.now();
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Makes the account view current; false when the read failed. */
  private async ensureAccount(): Promise<boolean> {
    if (this.o.view.current(this.o.clock.now())) return true;
    this.awaitingAccount = true;
    // A failed read leaves the view stale: each actor then reads (and fails) on its own, as before.
    const ok = await this.o.view.refresh().then(
      () => true,
      () => false,
    );
    this.awaitingAccount = false;
    return ok;
  }
}

function withAllocation(market: MarketSnapshot, allocation: AllocationView): MarketSnapshot {
  return { ...market, portfolio: { ...market.portfolio, allocation } };
}
