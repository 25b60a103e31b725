import type { AppConfig } from '../../config/schema.ts';
import type { PortfolioBook, CheckSource } from '../core/portfolio/book.ts';
import { columnsOf, sliceWindow, type SeriesColumns, type SeriesWindow } from '../core/portfolio/series.ts';
import type { AllocationView, PresetTrade, RebalanceRecord, ResizeOrder } from '../core/portfolio/types.ts';
import { resizeOrders } from '../core/portfolio/resize.ts';
import { toBybotError } from '../domain/errors.ts';
import type { Instrument, Interval } from '../domain/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Clock } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import { fetchCandlePages } from './candlePages.ts';
import { createPortfolioBook, presetTradeOf } from '../portfolio/plan.ts';
import type { ClosedTrade } from '../journal/tradeCsv.ts';
import type { Journal } from '../journal/journal.ts';
import { NO_ORDER_EVENTS, type OrderEventSink } from '../orders/orderEvents.ts';
import type { EntryOrder, PlacedOrder } from '../../machines/strategy.types.ts';

export type { PresetTrade };

/**
 * The runtime's side of the portfolio book (live, dry-run and `--engine actors`): before an
 * actor decides, its fetch asks for the book's view at that time; when check times have
 * passed, one shared catch-up reads the candles of every symbol over the lookback and the
 * closed trades, and advances the book through each check in order (core/portfolio/book.ts):
 * the same checks, on the same data, as the fast engine. Rebalances are journaled, logged
 * and counted in the metrics. A failed read fails the iteration that asked (it is retried by
 * the next one): no entry is sized without its budget.
 */
export interface PortfolioServiceDeps {
  readonly book: PortfolioBook;
  readonly config: AppConfig;
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Closed trades for the performance mode (the journal's, or a backtest's trade book). */
  readonly closedTrades: () => readonly PresetTrade[];
  readonly onRebalance?: (record: RebalanceRecord) => void;
  /** portfolio.resizeOpen: the instruments (qtyStep, minOrderQty) and the order manager's reduce (OrderManager.reduce). */
  readonly instrument?: (symbol: string) => Promise<Instrument>;
  readonly reduce?: (order: ResizeOrder, correlationId: string) => Promise<unknown>;
}

/** Most candles read per symbol for one catch-up (a long outage is caught up in several). */
const MAX_ROWS = 20_000;

export class PortfolioService {
  private pending: Promise<void> | null = null;
  private readonly intervals = new Map<string, Interval>();
  /** Preset of the last entry sent per symbol: the owner of that symbol's position (one position per symbol). */
  readonly owners = new Map<string, string>();
  /** The owner before each entry in flight, restored when that entry is not sent (a position was opened since the risk decision). */
  private readonly inFlight = new Map<string, { readonly presetId: string; readonly before: string | undefined }>();
  /** Presets per symbol: a symbol traded by one enabled preset has that owner even after a restart. */
  private readonly presetsOf = new Map<string, string[]>();

  constructor(private readonly deps: PortfolioServiceDeps) {
    for (const p of deps.config.strategies) {
      if (!p.enabled) continue;
      for (const symbol of p.symbols) {
        if (!this.intervals.has(symbol)) this.intervals.set(symbol, (p.params as { interval: Interval }).interval);
        this.presetsOf.set(symbol, [...(this.presetsOf.get(symbol) ?? []), p.id]);
      }
    }
  }

  /** The preset holding the symbol's position: the last entry sent, else the only preset trading it; undefined when unknown. */
  ownerOf(symbol: string): string | undefined {
    const presets = this.presetsOf.get(symbol) ?? [];
    return this.owners.get(symbol) ?? (presets.length === 1 ? presets[0] : undefined);
  }

  get book(): PortfolioBook {
    return this.deps.book;
  }

  /** The allocation when no check is due by `now` (the market hub answers from memory then), else null. */
  viewIfCurrent(now: number): AllocationView | null {
    return this.deps.book.behind(now) ? null : this.deps.book.view();
  }

  /** The book's view for a decision at `now`, after evaluating the checks due by then. */
  async viewAt(now: number): Promise<AllocationView> {
    const { book } = this.deps;
    while (book.behind(now)) {
      this.pending ??= this.catchUp(now).finally(() => {
        this.pending = null;
      });
      await this.pending;
    }
    return book.view();
  }

  noteEntry(symbol: string, presetId: string, orderLinkId = ''): void {
    this.inFlight.set(orderLinkId, { presetId, before: this.owners.get(symbol) });
    this.owners.set(symbol, presetId);
  }

  /** An entry's outcome: one not sent (status Rejected, nothing filled) does not own the symbol's position. */
  noteOutcome(symbol: string, orderLinkId: string, result: PlacedOrder): void {
    if (result.status === 'Rejected' && result.filledQty === 0) this.noteNotPlaced(symbol, orderLinkId);
    else this.inFlight.delete(orderLinkId);
  }

  /** An entry that failed for good or was never sent: the symbol's owner is the one before it. */
  noteNotPlaced(symbol: string, orderLinkId: string): void {
    const entry = this.inFlight.get(orderLinkId);
    if (!entry) return;
    this.inFlight.delete(orderLinkId);
    // Another entry on the symbol since then owns it now.
    if (this.owners.get(symbol) !== entry.presetId) return;
    if (entry.before === undefined) this.owners.delete(symbol);
    else this.owners.set(symbol, entry.before);
  }

  private async catchUp(now: number): Promise<void> {
    const { book, exchange } = this.deps;
    const first = book.nextCheck();
    const until = Math.min(book.gridAt(now), first + book.checkMs * Math.floor(MAX_ROWS / 4));
    const columns = new Map<string, { readonly columns: SeriesColumns; readonly stepMs: number }>();
    const symbols = new Set([...book.symbols, ...(book.plan.settings.crossAsset.enabled ? [book.plan.settings.crossAsset.leader] : [])]);
    for (const symbol of symbols) {
      const interval = this.intervals.get(symbol);
      const stepMs = book.plan.stepOf.get(symbol);
      if (!interval || !stepMs) continue;
      const rows = Math.min(MAX_ROWS, Math.ceil((now - first + book.spanOf(symbol)) / stepMs) + 2);
      columns.set(symbol, { columns: columnsOf(await fetchCandlePages(exchange, symbol, interval, rows)), stepMs });
    }
    // A position call brings the account up to now first (the simulator books the bars' exits), so the trades are complete.
    await exchange.positions();
    const source: CheckSource = {
      window: (symbol, from, at): SeriesWindow => {
        const s = columns.get(symbol);
        return s ? sliceWindow(s.columns, s.stepMs, from, at) : { stepMs: book.plan.stepOf.get(symbol) ?? 60_000, length: 0, start: [], high: [], low: [], close: [] };
      },
      trades: () => this.deps.closedTrades(),
    };
    const made = book.advance(until, source);
    const last = made.at(-1);
    const resized = last && book.plan.settings.resizeOpen ? await this.resize(last).catch((error: unknown) => this.resizeFailed(last, error)) : [];
    for (const record of made) this.rebalanced(record === last && resized.length > 0 ? book.noteResized(record, resized) : record);
    this.publish();
  }

  /**
   * portfolio.resizeOpen: the reductions the newest rebalance of a catch-up makes, decided on
   * the account now and handed to the order manager (not awaited: the reduce waits in the
   * order queue, and in lock-step runs for the instant's admission, while the actors decide).
   */
  private async resize(record: RebalanceRecord): Promise<ResizeOrder[]> {
    const { exchange, instrument, reduce, logger } = this.deps;
    if (!instrument || !reduce) return [];
    const [balance, positions] = await Promise.all([exchange.balance(), exchange.positions()]);
    const open = positions.filter((p) => p.size > 0);
    const instruments = new Map<string, Instrument>();
    for (const p of open) instruments.set(p.symbol, await instrument(p.symbol));
    const orders = resizeOrders({ record, equity: balance.equity, positions: open, ownerOf: (symbol) => this.ownerOf(symbol), instrumentOf: (symbol) => instruments.get(symbol) });
    for (const order of orders) {
      const correlationId = `rebalance:${record.at}`;
      this.deps.metrics.portfolioResizes.inc({ strategy: order.presetId });
      logger.info({ event: 'portfolio_resize', correlationId, symbol: order.symbol, strategy: order.presetId, qty: order.qty, closesAll: order.closesAll, budget: order.budget, used: order.used, orderLinkId: order.orderLinkId }, `rebalance reduces ${order.symbol} (${order.presetId}) by ${order.qty}`);
      reduce(order, correlationId).catch((error: unknown) =>
        logger.warn({ event: 'portfolio_resize_failed', correlationId, symbol: order.symbol, strategy: order.presetId, err: toBybotError(error).message }, `rebalance reduction of ${order.symbol} failed`),
      );
    }
    return orders;
  }

  /** The account could not be read for the reductions: the rebalance is still journaled; its reductions are not made (the next rebalance decides again). */
  private resizeFailed(record: RebalanceRecord, error: unknown): ResizeOrder[] {
    this.deps.logger.warn({ event: 'portfolio_resize_failed', correlationId: `rebalance:${record.at}`, err: toBybotError(error).message }, 'rebalance reductions not decided: the account could not be read');
    return [];
  }

  private rebalanced(record: RebalanceRecord): void {
    const { logger, metrics } = this.deps;
    metrics.portfolioRebalances.inc({ reason: record.reason });
    const weights = Object.entries(record.weights).map(([p, w]) => `${p} ${(w * 100).toFixed(1)}%`).join(', ');
    logger.info({ event: 'portfolio_rebalance', reason: record.reason, mode: record.mode, weights: record.weights, inputs: record.inputs }, `portfolio rebalance (${record.reason}, ${record.mode}): ${weights}`);
    try {
      this.deps.onRebalance?.(record);
    } catch (error) {
      logger.warn({ event: 'portfolio_rebalance_not_journaled', err: toBybotError(error).message }, 'rebalance not journaled');
    }
  }

  private publish(): void {
    const { metrics, book } = this.deps;
    const view = book.view();
    for (const [preset, w] of Object.entries(book.currentWeights() ?? {})) metrics.portfolioWeight.set({ strategy: preset }, w);
    const c = view.correlation;
    if (c) c.symbols.forEach((a, i) => c.symbols.forEach((b, j) => i !== j && Number.isFinite(c.matrix[i]![j]!) && metrics.portfolioCorrelation.set({ symbol: a, other: b }, c.matrix[i]![j]!)));
  }
}

/** The runtime's portfolio service, or null when the portfolio section changes nothing (the default). */
export function createPortfolioService(
  deps: Omit<PortfolioServiceDeps, 'book' | 'closedTrades' | 'onRebalance'> & {
    readonly closedTrades?: () => readonly PresetTrade[];
    readonly journal?: { closedTrades(): readonly ClosedTrade[]; recordRebalance(record: RebalanceRecord): void };
  },
): PortfolioService | null {
  const book = createPortfolioBook(deps.config, deps.clock.now());
  if (!book) return null;
  const { journal } = deps;
  const closedTrades = deps.closedTrades ?? (journal ? () => journal.closedTrades().map((t) => presetTradeOf({ ...t, presetId: t.strategy })) : () => []);
  return new PortfolioService({ ...deps, book, closedTrades, ...(journal ? { onRebalance: (r: RebalanceRecord) => journal.recordRebalance(r) } : {}) });
}

/** The runtime's wiring: the service (journaling rebalances through `guard`) and the order-event sink that records which preset opened each symbol's position. */
export function runtimePortfolio(
  deps: Omit<PortfolioServiceDeps, 'book' | 'closedTrades' | 'onRebalance'> & { readonly closedTrades?: (() => readonly PresetTrade[]) | undefined; readonly journal?: Journal | undefined },
  guard: (what: string, write: () => void) => void,
): { readonly service: PortfolioService | null; readonly sinks: OrderEventSink[] } {
  const { journal, closedTrades, ...rest } = deps;
  const journaled = journal ? { journal: { closedTrades: () => journal.closedTrades(), recordRebalance: (r: RebalanceRecord) => guard('rebalance', () => journal.recordRebalance(r)) } } : {};
  const service = createPortfolioService({ ...rest, ...journaled, ...(closedTrades ? { closedTrades } : {}) });
  return {
    service,
    sinks: service
      ? [
          {
            ...NO_ORDER_EVENTS,
            intent: (o: EntryOrder) => service.noteEntry(o.symbol, o.presetId, o.orderLinkId),
            outcome: (o: EntryOrder, r: PlacedOrder) => service.noteOutcome(o.symbol, o.orderLinkId, r),
            failed: (o: EntryOrder) => service.noteNotPlaced(o.symbol, o.orderLinkId),
            notSent: (o: EntryOrder) => service.noteNotPlaced(o.symbol, o.orderLinkId),
          },
        ]
      : [],
  };
}
