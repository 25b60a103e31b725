import type { Instrument } from '../domain/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { CallOptions, ExchangePort } from '../ports/exchange.ts';

/** Instrument filters change rarely: read them once an hour per symbol, not every iteration. */
export class InstrumentCache {
  private readonly entries = new Map<string, { readonly instrument: Instrument; readonly at: number }>();

  constructor(
    private readonly exchange: ExchangePort,
    private readonly clock: Clock,
    private readonly ttlMs = 3_600_000,
  ) {}

  /** The cached filters when they are fresh, without a request (null = call get). */
  peek(symbol: string, now: number): Instrument | null {
    const hit = this.entries.get(symbol);
    return hit && now - hit.at < this.ttlMs ? hit.instrument : null;
  }

  /** Forgets a symbol's filters (the exchange rejected an order on them: read them again). */
  invalidate(symbol: string): void {
    this.entries.delete(symbol);
  }

  async get(symbol: string, options?: CallOptions): Promise<Instrument> {
    const hit = this.entries.get(symbol);
    const now = this.clock.now();
    if (hit && now - hit.at < this.ttlMs) return hit.instrument;
    const instrument = await this.exchange.instrument(symbol, options);
    this.entries.set(symbol, { instrument, at: now });
    return instrument;
  }
}
