const DAY_MS = 86_400_000;

/**
 * Remembers the equity at the start of the current UTC day, for the daily loss limit.
 * The first equity observed in a new UTC day becomes that day's start.
 */
export class AccountTracker {
  private day = -1;
  private startEquity = 0;
  // The latest sample as two numbers (observed on every account check of a backtest: no object per call).
  private lastAt = Number.NaN;
  private lastValue = 0;

  observe(equity: number, at: number): void {
    if (!Number.isFinite(equity)) return;
    const day = Math.floor(at / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.startEquity = equity;
    }
    this.lastValue = equity;
    this.lastAt = at;
  }

  /** Equity at the start of `at`'s UTC day; the latest equity when the day has no sample yet. */
  dayStartEquity(at: number): number {
    if (Math.floor(at / DAY_MS) === this.day) return this.startEquity;
    return Number.isNaN(this.lastAt) ? 0 : this.lastValue;
  }

  lastEquity(): { readonly equity: number; readonly at: number } | null {
    return Number.isNaN(this.lastAt) ? null : { equity: this.lastValue, at: this.lastAt };
  }
}
