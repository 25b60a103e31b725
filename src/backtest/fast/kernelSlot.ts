import { intervalMs } from '../../domain/types.ts';
import { StrategyKernel } from '../../core/kernel/kernel.ts';
import type { AnyStrategyDefinition } from '../../core/strategy/contract.ts';
import { beginHalfOpen, CLOSED_BREAKER, recordFailure, recordSuccess, type BreakerState } from '../../core/supervision/breaker.ts';
import { pruneWindow } from '../../core/supervision/policies.ts';
import type { CandleColumns } from '../../history/types.ts';
import type { StrategyActorInput } from '../../../machines/strategy.types.ts';
import type { PriceSymbol } from './fastAccount.ts';

/**
 * One strategy actor's place in the fast engine: its kernel, the stored series it reads,
 * and the bits of the actor's life cycle that decide WHEN it decides, kept as in the
 * machine: an iteration (tick taken) is followed by `cooldownMs`; a tick that arrives while
 * the actor is not idle is missed; failed iterations feed the circuit breaker (open for
 * breaker.openMs, then one half-open attempt); `disableAfterTrips` trips within
 * `tripWindowMs`, or a symbol-level error, disable the strategy on the symbol (level 2).
 */
export class KernelSlot {
  readonly kernel: StrategyKernel;
  readonly stepMs: number;
  /** Next row of `series` to ingest, and the first one ingested (the warm-up's start). */
  row = 0;
  firstRow = 0;
  started = false;
  /** Start of the candle of the last evaluated signal (the actor's lastSignal.candleStart). */
  lastDecided = Number.NEGATIVE_INFINITY;
  private idleAt = Number.NEGATIVE_INFINITY;
  private nextGridTick = Number.NaN;
  private breaker: BreakerState = CLOSED_BREAKER;
  private trips: number[] = [];
  disabled = false;

  constructor(
    readonly index: number,
    readonly input: StrategyActorInput,
    readonly definition: AnyStrategyDefinition,
    readonly series: CandleColumns,
    readonly price: PriceSymbol,
    private readonly options: { readonly cooldownMs: number; readonly tickDelayMs: number; readonly disableAfterTrips: number; readonly tripWindowMs: number },
  ) {
    this.stepMs = intervalMs(input.params.interval);
    this.kernel = new StrategyKernel({ definition, params: input.params, symbol: input.symbol, presetId: input.presetId, risk: input.risk, maxStalenessMs: input.maxStalenessMs, ...(input.ml ? { ml: input.ml } : {}) });
  }

  /** Candle rows the actor's first fetch returns: the kernel's warm-up (+1, the forming candle's place in the request). */
  warmupRows(): number {
    return this.kernel.warmupCandles + 1;
  }

  ingestRow(i: number): void {
    const s = this.series;
    const turnover = s.turnover[i]!;
    this.kernel.ingest(s.start[i]!, s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!, Number.isNaN(turnover) ? 0 : turnover);
  }

  /** Whether the actor takes a tick at `t` (idle, breaker not open, not disabled); taking it starts an iteration. */
  takesTick(t: number, first: boolean): boolean {
    if (this.disabled) return false;
    if (this.breaker.status === 'open') {
      if (t < (this.breaker.openedAt ?? 0) + this.input.breaker.openMs) return false;
      this.breaker = beginHalfOpen(this.breaker);
      return true;
    }
    if (this.options.cooldownMs >= this.stepMs) this.skipGridTicks(t, first);
    if (!(this.idleAt < t)) return false;
    this.idleAt = t + this.options.cooldownMs;
    return true;
  }

  /** With a cooldown of at least an interval the actor misses ticks; ticks without new data count too. */
  private skipGridTicks(t: number, first: boolean): void {
    if (first) {
      this.nextGridTick = t;
      return;
    }
    while (this.nextGridTick < t) {
      if (this.idleAt < this.nextGridTick) this.idleAt = this.nextGridTick + this.options.cooldownMs;
      this.nextGridTick = Math.floor(this.nextGridTick / this.stepMs) * this.stepMs + this.stepMs + this.options.tickDelayMs;
    }
    this.nextGridTick = Math.floor(t / this.stepMs) * this.stepMs + this.stepMs + this.options.tickDelayMs;
  }

  succeeded(): void {
    this.breaker = recordSuccess(this.breaker);
  }

  /** A failed iteration; `symbolLevel` errors disable at once. */
  failed(at: number, symbolLevel: boolean): void {
    if (symbolLevel) {
      this.disabled = true;
      return;
    }
    const before = this.breaker.trips;
    this.breaker = recordFailure(this.breaker, this.input.breaker, at);
    if (this.breaker.trips > before) {
      this.trips = pruneWindow([...this.trips, at], at, this.options.tripWindowMs);
      if (this.trips.length >= this.options.disableAfterTrips) this.disabled = true;
    }
  }
}
