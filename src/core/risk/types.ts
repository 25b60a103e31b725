import type { Instrument, Order, Position, Side, TradingState } from '../../domain/types.ts';
import type { Signal } from '../strategy/contract.ts';
import type { AllocationView } from '../portfolio/types.ts';

/** Risk limits from config (`risk` section). Percentages are of account equity. */
export interface RiskLimits {
  /** Equity risked per trade at score 1.0 (stop distance x qty), e.g. 1 = 1 %. */
  readonly riskPerTradePct: number;
  /** Minimum reward/risk of a signal (|target - entry| / |entry - stop|). */
  readonly minRewardRisk: number;
  /** Maximum effective leverage of one position (notional / equity). */
  readonly maxLeverage: number;
  /** Maximum notional of one symbol's position, as % of equity. */
  readonly maxPositionPct: number;
  /** Maximum notional of all positions together, as % of equity. */
  readonly maxTotalExposurePct: number;
  /** Maximum notional of same-direction positions in correlated symbols together, as % of equity (needs the portfolio book's correlations). */
  readonly maxCorrelatedExposurePct?: number;
  readonly maxOpenPositions: number;
  /** Loss since the UTC day's start, as % of that day's starting equity, that halts trading. */
  readonly dailyLossLimitPct: number;
  /** Signals scoring below this are not traded. */
  readonly minScore: number;
}

/** What the risk layer knows about the account when it decides. */
export interface PortfolioSnapshot {
  readonly equity: number;
  readonly availableBalance: number;
  readonly positions: readonly Position[];
  readonly openOrders: readonly Order[];
  /** Equity at the start of the current UTC day (for the daily loss limit). */
  readonly dayStartEquity: number;
  /** The portfolio book's view (budgets, correlations, the leader's regime); absent: sizing on the whole equity, no portfolio rules. */
  readonly allocation?: AllocationView;
}

export interface EntryRequest {
  readonly signal: Signal;
  readonly instrument: Instrument;
  readonly portfolio: PortfolioSnapshot;
  readonly limits: RiskLimits;
  readonly tradingState: TradingState;
  /**
   * False when nobody reads the reason (the fast backtest engine): reasons are left empty
   * instead of formatting numbers into them; every other field is the same. Default true.
   */
  readonly explain?: boolean;
}

export type RiskDenialCode =
  | 'TRADING_HALTED'
  | 'REDUCE_ONLY'
  | 'DAILY_LOSS_LIMIT'
  | 'NO_EQUITY'
  | 'SCORE_TOO_LOW'
  | 'INVALID_STOP'
  | 'REWARD_RISK_TOO_LOW'
  | 'POSITION_ALREADY_OPEN'
  | 'ORDER_ALREADY_OPEN'
  | 'MAX_OPEN_POSITIONS'
  | 'EXPOSURE_LIMIT'
  | 'BELOW_MIN_QTY'
  | 'BELOW_MIN_NOTIONAL'
  | 'INSUFFICIENT_MARGIN'
  | 'NO_BUDGET'
  | 'CORRELATED_EXPOSURE'
  | 'CROSS_ASSET';

/** An approved entry: everything the order path needs, already on the exchange's grid. */
export interface ApprovedEntry {
  readonly allowed: true;
  readonly side: Side;
  readonly qty: number;
  readonly entryPrice: number;
  readonly stopLoss: number;
  readonly takeProfit: number;
  readonly notional: number;
  /** Money lost if the stop is hit (qty x stop distance). */
  readonly riskAmount: number;
  readonly rewardRisk: number;
  /** Leverage to set on the symbol (integer, within the instrument's and config's limits). */
  readonly leverage: number;
  /** Limits that reduced the size, e.g. ['maxPositionPct']; empty when none did. */
  readonly cappedBy: readonly string[];
  readonly reason: string;
}

export interface DeniedEntry {
  readonly allowed: false;
  readonly code: RiskDenialCode;
  /** Names the numbers that caused the denial, so no trade is blocked without a visible cause. */
  readonly reason: string;
}

export type RiskDecision = ApprovedEntry | DeniedEntry;
