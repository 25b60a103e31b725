import type { Journal } from '../journal/journal.ts';
import type { Logger } from '../observability/logger.ts';

/** Closed trades per preset from the journal, recomputed at most every `refreshMs` (wall clock): the journal is the truth. */
export interface PresetTrades {
  readonly trades: number;
  readonly wins: number;
  readonly netPnl: number;
}

export class TradeStats {
  private cache = new Map<string, PresetTrades>();
  private at = -Infinity;

  constructor(
    private readonly journal: Journal | undefined,
    private readonly logger: Logger,
    private readonly refreshMs = 5_000,
    private readonly wallNow: () => number = () => Date.now(),
  ) {}

  byPreset(): ReadonlyMap<string, PresetTrades> {
    if (!this.journal || this.wallNow() - this.at < this.refreshMs) return this.cache;
    this.at = this.wallNow();
    try {
      const next = new Map<string, { trades: number; wins: number; netPnl: number }>();
      for (const t of this.journal.closedTrades()) {
        const row = next.get(t.strategy) ?? { trades: 0, wins: 0, netPnl: 0 };
        row.trades++;
        if (t.netPnl > 0) row.wins++;
        row.netPnl += t.netPnl;
        next.set(t.strategy, row);
      }
      this.cache = next;
    } catch (error) {
      this.logger.warn({ event: 'trade_stats_failed', err: error instanceof Error ? error.message : String(error) }, 'could not read closed trades from the journal');
    }
    return this.cache;
  }
}
