import type { RegimeLabel } from '../indicators/regime.ts';

/**
 * Portfolio allocation (config section `portfolio`): how capital is split between the
 * strategy presets, how correlated positions count together, and the cross-asset rule.
 * Plain data only: the drivers (fast engine, runtime) feed the book, the risk gate reads
 * the view through the account snapshot.
 */
export const ALLOCATION_MODES = ['none', 'fixed', 'equal', 'riskParity', 'performance'] as const;
export type AllocationMode = (typeof ALLOCATION_MODES)[number];

export interface WeightBounds {
  readonly floorPct?: number | undefined;
  readonly ceilingPct?: number | undefined;
}

export interface AllocationSettings {
  readonly mode: AllocationMode;
  /** fixed: weight per preset id (normalised to sum 1; a preset not listed gets 0). */
  readonly weights: Readonly<Record<string, number>>;
  /** riskParity: volatility of a preset's symbols from realised log returns or from ATR%. */
  readonly volatility: 'realised' | 'atr';
  /** riskParity: equal risk contributions with the covariance of the presets' returns (else inverse volatility). */
  readonly equalRiskContribution: boolean;
  readonly performanceMetric: 'expectancy' | 'sharpe';
  /** performance: the newest closed trades of a preset that are scored. */
  readonly performanceTrades: number;
  /** performance: a preset with fewer closed trades keeps the equal weight. */
  readonly minTrades: number;
  /** performance: 0 = weights from the scores alone, 1 = equal weights. */
  readonly shrinkage: number;
  /** Bounds of every preset's weight, in % (per-preset `bounds` override them). */
  readonly floorPct: number;
  readonly ceilingPct: number;
  readonly bounds: Readonly<Record<string, WeightBounds>>;
}

export interface CrossAssetSettings {
  readonly enabled: boolean;
  /** The symbol whose regime leads (BTCUSDT). */
  readonly leader: string;
  /** The higher timeframe the leader's regime is classified on, in minutes. */
  readonly timeframeMinutes: number;
  /** notAgainst: no long in a down trend, no short in an up trend; with: longs only in an up trend, shorts only in a down trend. */
  readonly rule: 'notAgainst' | 'with';
  /** Presets the rule applies to (empty: every preset); never to the leader itself. */
  readonly presets: readonly string[];
  /** Higher-timeframe candles the regime is classified over at each check. */
  readonly lookbackCandles: number;
}

export interface PortfolioSettings {
  readonly allocation: AllocationSettings;
  /** Days of candles the volatilities, covariances and correlations are measured over. */
  readonly lookbackDays: number;
  readonly rebalance: {
    /** Scheduled rebalance every this many ms, aligned to the epoch (86,400,000: daily at 00:00 UTC). */
    readonly everyMs: number;
    /** Also rebalance when a target weight differs from the current one by more than this (percentage points); 0 = off. */
    readonly driftPct: number;
    /** The book is checked (targets, correlations, the leader's regime) on this grid. */
    readonly checkMs: number;
  };
  /** Same-direction positions in symbols correlated at or above this count together. */
  readonly correlationThreshold: number;
  /** A rebalance reduces an open position whose initial margin exceeds its sleeve's new budget (never increases one). */
  readonly resizeOpen: boolean;
  readonly crossAsset: CrossAssetSettings;
}

/** What the risk gate reads (PortfolioSnapshot.allocation). Immutable, replaced at each check. */
export interface AllocationView {
  /** Budget weight per sleeve, keyed "SYMBOL:presetId" (the actor id; sum 1), or null when allocation is off (sizing on the whole equity). */
  readonly weights: Readonly<Record<string, number>> | null;
  /** Rolling correlation of the symbols' returns, or null when not measured. */
  readonly correlation: CorrelationView | null;
  readonly leader: LeaderView | null;
}

export interface CorrelationView {
  readonly threshold: number;
  readonly symbols: readonly string[];
  /** matrix[i][j]: correlation of symbols[i] and symbols[j] (NaN when unknown). */
  readonly matrix: readonly (readonly number[])[];
}

export interface LeaderView {
  readonly symbol: string;
  readonly timeframeMinutes: number;
  readonly regime: RegimeLabel;
  readonly rule: 'notAgainst' | 'with';
  /** Presets the rule applies to (empty: all). */
  readonly presets: readonly string[];
}

/** A preset's closed trade as the performance mode scores it. */
export interface PresetTrade {
  readonly presetId: string;
  readonly symbol: string;
  readonly exitTime: number;
  /** Net PnL over the entry's notional. */
  readonly ret: number;
}

export type RebalanceReason = 'initial' | 'schedule' | 'drift';

/** One rebalance with the inputs that decided it (journaled, reported). */
export interface RebalanceRecord {
  readonly at: number;
  readonly reason: RebalanceReason;
  readonly mode: AllocationMode;
  /** Per preset (sum 1). */
  readonly weights: Readonly<Record<string, number>>;
  /** Per sleeve "SYMBOL:presetId" (sum 1): the budgets sizing uses. */
  readonly sleeves: Readonly<Record<string, number>>;
  readonly previous: Readonly<Record<string, number>> | null;
  readonly inputs: RebalanceInputs;
  /** portfolio.resizeOpen: the reductions of open positions this rebalance decided (absent: none). */
  readonly resized?: readonly ResizeOrder[];
}

/**
 * A reduction of an open position decided by a rebalance (portfolio.resizeOpen): a
 * reduce-only market order of `qty` on the side that closes the position.
 */
export interface ResizeOrder {
  readonly symbol: string;
  /** The preset whose sleeve holds the position. */
  readonly presetId: string;
  /** Side of the reduce-only order (the opposite of the position's). */
  readonly side: 'Buy' | 'Sell';
  readonly qty: number;
  /** Size of the position when the reduction was decided. */
  readonly positionSize: number;
  /** The whole position is closed (the remainder would have been below minOrderQty, or the budget is 0). */
  readonly closesAll: boolean;
  /** The sleeve's new budget (weight x equity) and the initial margin the position used (positionValue / leverage). */
  readonly budget: number;
  readonly used: number;
  /** Deterministic: (preset, symbol, rebalance time, side); a retry or restart re-sends the same id. */
  readonly orderLinkId: string;
}

export interface RebalanceInputs {
  /** Volatility per symbol (daily scale), riskParity. */
  readonly volatility?: Readonly<Record<string, number>>;
  /** Score per preset and the trades it was scored on, performance. */
  readonly scores?: Readonly<Record<string, number>>;
  readonly trades?: Readonly<Record<string, number>>;
  /** Largest |target - current| in percentage points, drift checks. */
  readonly driftPct?: number;
  /** Why the weights fell back to equal (missing data), if they did. */
  readonly fallback?: string;
}
