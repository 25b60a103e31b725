import type { PortfolioBook, CheckSource } from '../../core/portfolio/book.ts';
import { sliceWindow, type SeriesWindow } from '../../core/portfolio/series.ts';
import type { AllocationView, PresetTrade, RebalanceRecord, ResizeOrder } from '../../core/portfolio/types.ts';
import { resizeOrders } from '../../core/portfolio/resize.ts';
import { validateOrder } from '../../sim/validation.ts';
import type { FastAccount } from './fastAccount.ts';
import { intervalMs } from '../../domain/types.ts';
import type { CandleColumns } from '../../history/types.ts';
import type { SymbolData } from '../input.ts';

/**
 * The fast engine's side of the portfolio book: windows of the stored series (no copies)
 * and the closed trades of the trade book. The book is advanced lazily, when a decision
 * needs the account snapshot, through every check time up to it (see core/portfolio/book.ts).
 */
export class PortfolioDesk implements CheckSource {
  private readonly series = new Map<string, { readonly columns: CandleColumns; readonly stepMs: number }>();

  constructor(
    readonly book: PortfolioBook,
    data: ReadonlyMap<string, SymbolData>,
    private readonly closedTrades: () => readonly PresetTrade[],
  ) {
    for (const [symbol, stepMs] of book.plan.stepOf) {
      const columns = data.get(symbol)?.series.find((s) => intervalMs(s.interval) === stepMs);
      if (columns) this.series.set(symbol, { columns, stepMs });
    }
  }

  viewAt(t: number): AllocationView {
    if (this.book.behind(t)) this.book.advance(t, this);
    return this.book.view();
  }

  /** Evaluates the checks due by `t` (as the runtime does at every actor's fetch); returns the rebalances made. */
  advanceTo(t: number): RebalanceRecord[] {
    return this.book.behind(t) ? this.book.advance(t, this) : [];
  }

  /**
   * portfolio.resizeOpen, at an actor's tick: the checks due by `t` and the reductions the
   * newest rebalance among them makes, on the account now (before this instant's fills), as
   * the runtime decides them in its catch-up (src/runtime/portfolioService.ts).
   */
  resizeAt(t: number, account: FastAccount, ownerOf: (symbol: string) => string | undefined): ResizeOrder[] {
    const last = this.advanceTo(t).at(-1);
    if (!last) return [];
    const orders = resizeOrders({ record: last, equity: account.equity(), positions: account.snapshot(0).positions, ownerOf, instrumentOf: (symbol) => account.get(symbol).instrument });
    if (orders.length > 0) this.book.noteResized(last, orders);
    return orders;
  }

  /**
   * Sends a reduction as the order manager and the simulated venue handle it: not sent when
   * the position is gone or turned, trimmed to the position, the venue's checks, the market
   * fill at the open of the bar in progress (or the next) plus slippage. Returns the outcome.
   */
  static sendReduce(account: FastAccount, order: ResizeOrder, time: number): 'reduced' | 'skipped' | 'failed' {
    const s = account.get(order.symbol);
    const size = Math.abs(s.position.size);
    if (size === 0 || (s.position.size > 0 ? 'Buy' : 'Sell') === order.side) return 'skipped';
    const qty = Math.min(order.qty, size);
    try {
      validateOrder({ symbol: order.symbol, side: order.side, orderType: 'Market', qty, reduceOnly: true, orderLinkId: order.orderLinkId }, s.instrument, s.mark);
    } catch {
      // The venue refused it (e.g. over maxMktOrderQty): the runtime logs the failure; the position keeps its size.
      return 'failed';
    }
    const at = account.nextOpen(s, time);
    if (at === null) return 'failed';
    account.fillReduce(s, order.side, qty, at.open, at.start, order.orderLinkId);
    return 'reduced';
  }

  window(symbol: string, from: number, at: number): SeriesWindow {
    const s = this.series.get(symbol);
    if (!s) return { stepMs: this.book.plan.stepOf.get(symbol) ?? 60_000, length: 0, start: [], high: [], low: [], close: [] };
    return sliceWindow(s.columns, s.stepMs, from, at);
  }

  trades(): readonly PresetTrade[] {
    return this.closedTrades();
  }
}
