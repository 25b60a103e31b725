import type { PortfolioBook, CheckSource } from '../../core/portfolio/book.ts';
import { sliceWindow, type SeriesWindow } from '../../core/portfolio/series.ts';
import type { AllocationView, PresetTrade } from '../../core/portfolio/types.ts';
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

  window(symbol: string, from: number, at: number): SeriesWindow {
    const s = this.series.get(symbol);
    if (!s) return { stepMs: this.book.plan.stepOf.get(symbol) ?? 60_000, length: 0, start: [], high: [], low: [], close: [] };
    return sliceWindow(s.columns, s.stepMs, from, at);
  }

  trades(): readonly PresetTrade[] {
    return this.closedTrades();
  }
}
