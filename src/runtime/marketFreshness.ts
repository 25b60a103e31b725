import { intervalMs, type Candle, type Interval } from '../domain/types.ts';

/**
 * How fresh each symbol's market data is: the end of the last closed candle the actors
 * received, on the bot's clock. /ready lists it per symbol and is 503 when every symbol is
 * staler than actor.maxStalenessMs (no actor can trade on such data).
 */
export interface SymbolFreshness {
  /** End (open time + interval) of the newest closed candle received, or null before the first. */
  readonly lastClosedCandleEnd: number | null;
  readonly ageMs: number;
  readonly stale: boolean;
}

export class MarketFreshness {
  private readonly lastEnd = new Map<string, number>();

  constructor(
    symbols: readonly string[],
    /** Bot-clock time the runtime started: a symbol not heard from yet ages from here. */
    private readonly startedAt: number,
  ) {
    for (const symbol of symbols) this.lastEnd.set(symbol, Number.NaN);
  }

  /** Candles as an actor received them (possibly served stale from the cache). */
  record(symbol: string, interval: Interval, candles: readonly Candle[], now: number): void {
    const step = intervalMs(interval);
    let newest = this.lastEnd.get(symbol) ?? Number.NaN;
    for (const c of candles) {
      const end = c.start + step;
      if (end <= now && !(end <= newest)) newest = end;
    }
    this.lastEnd.set(symbol, newest);
  }

  view(now: number, maxStalenessMs: number): Readonly<Record<string, SymbolFreshness>> {
    const out: Record<string, SymbolFreshness> = {};
    for (const [symbol, end] of [...this.lastEnd.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const known = Number.isFinite(end);
      const ageMs = now - (known ? end : this.startedAt);
      out[symbol] = { lastClosedCandleEnd: known ? end : null, ageMs, stale: ageMs > maxStalenessMs };
    }
    return out;
  }
}
