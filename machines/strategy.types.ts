import type { Candle, Instrument, OrderStatus, TradingState } from '../src/domain/types.ts';
import type { SerializedError } from '../src/domain/errors.ts';
import type { BreakerConfig, BreakerState } from '../src/core/supervision/breaker.ts';
import type { AnyStrategyDefinition, IndicatorResult, Signal } from '../src/core/strategy/contract.ts';
import type { ApprovedEntry, PortfolioSnapshot, RiskDecision, RiskLimits } from '../src/core/risk/types.ts';
import type { StrategyKernel } from '../src/core/kernel/kernel.ts';
import type { MlBinding } from '../src/core/ml/filter.ts';

/** The states of the card, in order. `broken` means the actor's circuit breaker is open. */
export const STRATEGY_STATES = ['idle', 'fetching', 'validating', 'signalling', 'ordering', 'cooldown', 'broken'] as const;
export type StrategyStateName = (typeof STRATEGY_STATES)[number];

/** What the machine needs from outside: time, the strategy catalogue and where market data comes from. */
export interface StrategyMachineDeps {
  readonly now: () => number;
  readonly resolveStrategy: (type: string) => AnyStrategyDefinition | undefined;
  /** The market data source of `fetching`; without one every fetch fails (MARKET_FAILED). */
  readonly market?: MarketSource;
  /**
   * Explain every decision (default true): the signal's reason, and a signal even when the
   * strategy's screen() says 'certainly none', for /actors. False skips that work when
   * nobody reads it (backtests); the decision itself is the same (kernel.evaluate's flag).
   */
  readonly explain?: boolean;
}

/** Where an actor's MARKET / MARKET_FAILED reply goes (the actor itself). */
export interface MarketReplyTarget {
  send(event: MarketReply): void;
  /**
   * The actor's status: a stopped actor gets no late reply (XState runs no exit action when
   * a supervisor stops a child, so `cancel` is not called then).
   */
  getSnapshot(): { readonly status: string };
}

/**
 * The market data of one iteration, asked for on entry to `fetching` and answered with one
 * event: MARKET with the snapshot, or MARKET_FAILED. When everything is in memory (the
 * candles the kernel has not seen from the kline stream's buffer, the account from the
 * private streams, the cached instrument) the answer is sent at once, so a whole iteration
 * runs in one synchronous pass; otherwise (warm-up, gap repair, a stale account) it comes
 * when the REST calls return. `cancel` is called when the actor leaves `fetching` (stopped,
 * timed out): a late answer must then not be sent. No child actor per iteration: invoking
 * and stopping one per cycle was O(actors) work in XState's scheduler (issue 13).
 */
export interface MarketSource {
  request(actor: MarketReplyTarget, input: FetchMarketInput): void;
  /** The answer at once when the source holds it in memory (raised inside the TICK's step), else null. */
  answerFromMemory?(input: FetchMarketInput): MarketSnapshot | null;
  cancel(actorId: string): void;
}

export type MarketReply = { readonly type: 'MARKET'; readonly market: MarketSnapshot } | { readonly type: 'MARKET_FAILED'; readonly error: unknown };

/** Params every strategy preset has (see the common base schema in src/core/strategy). */
export interface BaseStrategyParams {
  readonly interval: import('../src/domain/types.ts').Interval;
  readonly historyCandles: number;
  readonly [key: string]: unknown;
}

export interface StrategyActorInput {
  /** "<SYMBOL>:<presetId>", also the actor's id and systemId. */
  readonly actorId: string;
  readonly symbol: string;
  readonly presetId: string;
  readonly strategyType: string;
  readonly params: BaseStrategyParams;
  readonly cooldownMs: number;
  readonly maxStalenessMs: number;
  readonly breaker: BreakerConfig;
  readonly risk: RiskLimits;
  /** The preset's ML filter (a verified model and its settings), when enabled (src/ml/serving.ts). */
  readonly ml?: MlBinding;
}

/** The market answer of `fetching` (MARKET event): everything one iteration decides on. */
export interface MarketSnapshot {
  /** Exchange-corrected time at which the data was read (UTC ms). */
  readonly now: number;
  readonly candles: readonly Candle[];
  readonly instrument: Instrument;
  readonly portfolio: PortfolioSnapshot;
  readonly tradingState: TradingState;
}

export interface FetchMarketInput {
  readonly actorId: string;
  readonly symbol: string;
  readonly interval: import('../src/domain/types.ts').Interval;
  /** Candles a REST read would ask for (warm-up, or everything since the kernel's newest row). */
  readonly limit: number;
  /** Start of the kernel's newest row (NaN without a kernel): only candles after it are new to the actor. */
  readonly since: number;
  readonly correlationId: string;
}

export interface EntryOrder {
  readonly actorId: string;
  readonly symbol: string;
  readonly presetId: string;
  readonly strategyType: string;
  readonly correlationId: string;
  readonly orderLinkId: string;
  readonly candleStart: number;
  readonly entry: ApprovedEntry;
  /** The signal behind the entry (score, confluence factors, full or degraded), for journals and backtest trade lists. */
  readonly signal: { readonly score: number; readonly factors: Readonly<Record<string, number>>; readonly mode: string; readonly regime?: string };
}

/** Output of the placeEntry actor. */
export interface PlacedOrder {
  readonly orderId: string;
  readonly orderLinkId: string;
  readonly status: OrderStatus;
  readonly filledQty: number;
  readonly avgPrice: number;
  /** True when the order already existed (a retry or restart found it by orderLinkId). */
  readonly adopted: boolean;
  /** Why the order differs from the approved entry (size fitted to margin, not sent). */
  readonly note?: string;
}

export interface QualitySummary {
  readonly ok: boolean;
  readonly severity: 'ok' | 'degraded' | 'unusable';
  readonly reasons: readonly string[];
  readonly detail: string;
  readonly at: number;
}

export interface RecordedError extends SerializedError {
  readonly at: number;
  readonly correlationId: string;
}

export interface Counters {
  /** Iterations started; the number of the current one (correlation ids count with it). */
  readonly iterations: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly degraded: number;
  readonly signals: number;
  readonly orders: number;
  /** Failed iterations by error code. */
  readonly failuresByCode: Readonly<Record<string, number>>;
}

/** What the actor was started with that does not change while it runs. */
export interface StrategySettings {
  readonly params: BaseStrategyParams;
  readonly cooldownMs: number;
  readonly maxStalenessMs: number;
  readonly breaker: BreakerConfig;
  readonly risk: RiskLimits;
  readonly startedAt: number;
  readonly ml?: MlBinding;
}

/** The actor's kernel and its version when this context last advanced it (another context moving it on means: rebuild). */
export interface OwnedKernel {
  readonly instance: StrategyKernel;
  readonly version: number;
}

/**
 * The strategy actor's context. Kept to at most 19 top-level keys on purpose: XState's
 * assign copies it with Object.assign, and V8 turns a copy with 20 or more properties into a
 * slow dictionary object (measured: 0.9 us per assign at 19 keys, 12-30 us from 20 on), which
 * made every iteration of every actor pay for it. Group new fields.
 */
export interface StrategyContext {
  readonly actorId: string;
  readonly symbol: string;
  readonly presetId: string;
  readonly strategyType: string;
  readonly settings: StrategySettings;

  readonly correlationId: string;
  readonly breaker: BreakerState;
  readonly counters: Counters;
  readonly lastError: RecordedError | null;
  readonly lastSkip: { readonly reason: string; readonly at: number; readonly correlationId: string } | null;

  /**
   * Data of the current iteration; cleared when the iteration ends to keep snapshots small.
   * Validating keeps it only when the iteration goes on to signalling (null = skipped).
   */
  readonly market: MarketSnapshot | null;
  readonly quality: QualitySummary | null;

  /**
   * The strategy kernel (indicator state, window validator): hot state this actor owns and
   * mutates in place. Never serialised (it has toJSON() -> undefined) and never persisted:
   * a restarted actor rebuilds it from a warm-up fetch (crash-only).
   */
  readonly kernel: OwnedKernel | null;
  readonly lastIndicators: IndicatorResult | null;
  readonly lastSignal: Signal | null;
  readonly lastDecision: (RiskDecision & { readonly at: number; readonly correlationId: string }) | null;
  readonly pendingEntry: EntryOrder | null;
  readonly lastOrder: (PlacedOrder & { readonly at: number; readonly correlationId: string; readonly side: string; readonly qty: number }) | null;
  /** Set when the pure signal step itself failed (a strategy bug): counted as a failed iteration. */
  readonly stepError: RecordedError | null;
}

/** Events a parent (symbol supervisor) receives from a strategy actor. */
export type StrategyToParentEvent =
  | { readonly type: 'BREAKER_TRIPPED'; readonly actorId: string; readonly at: number; readonly trips: number; readonly correlationId: string; readonly error: RecordedError | null }
  | { readonly type: 'ESCALATE'; readonly level: 'symbol' | 'system'; readonly actorId: string; readonly error: RecordedError; readonly correlationId: string };

export type StrategyEvent = { readonly type: 'TICK' } | MarketReply;
