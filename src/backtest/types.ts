import type { RunAllocation } from './allocationSummary.ts';
import type { RebalanceRecord } from '../core/portfolio/types.ts';
import type { PresetContribution } from './contributions.ts';
import type { Interval } from '../domain/types.ts';
import type { RegimeBreakdown } from './metrics/regimes.ts';

/**
 * The backtest lab's data contract. An engine (fast or actors) produces a BacktestRun: the
 * raw facts of one run. `summarize` (src/backtest/metrics.ts) turns it into
 * BacktestResults: every figure of the summary table, per preset x symbol and for the
 * portfolio. `--json` writes BacktestResults; `--report` renders it as HTML. All times
 * are UTC epoch milliseconds; money is USDT.
 */

export type TradeSide = 'long' | 'short';

/** Why a position was closed. 'EndOfData' = still open when the data ran out (closed at the last close, no fee). */
export type ExitReason = 'StopLoss' | 'TakeProfit' | 'Liquidation' | 'Exit' | 'EndOfData';

/** One round trip: flat -> position -> flat on one symbol, opened by one preset. */
export interface BacktestTrade {
  /** 1-based, in order of entry time (ties: symbol, then preset). */
  readonly seq: number;
  readonly symbol: string;
  readonly presetId: string;
  readonly strategyType: string;
  readonly side: TradeSide;
  /** Filled quantity in base coin (on the instrument's qtyStep). */
  readonly qty: number;
  /** Open time of the candle whose close produced the signal. */
  readonly signalCandleStart: number;
  readonly entryTime: number;
  /** Average fill price of the entry (on the tick grid). */
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitPrice: number;
  readonly exitReason: ExitReason;
  /** Protective prices as sent with the entry. */
  readonly stopLoss: number;
  readonly takeProfit: number;
  /** (exit - entry) x qty x direction. */
  readonly grossPnl: number;
  /** Entry + exit trading fees (positive = paid). */
  readonly fees: number;
  /** Funding over the holding period (positive = paid by us, negative = received). */
  readonly funding: number;
  /** grossPnl - fees - funding. */
  readonly netPnl: number;
  /** Money at risk when entered: qty x |entry - stop|. */
  readonly riskAmount: number;
  /** netPnl / riskAmount. */
  readonly rMultiple: number;
  /** Confluence score and the three named factors of the entry signal. */
  readonly score: number;
  readonly factors: Readonly<Record<string, number>>;
  /** 'full' or 'degraded' (B1.3 fallback). */
  readonly signalMode: string;
  /** Market regime of the symbol x timeframe at the signal: trendingUp, trendingDown, ranging, volatile or unknown (src/core/indicators/regime.ts). */
  readonly regime: string;
  readonly orderLinkId: string;
}

/** A stop of new entries by the daily loss limit (or an escalation when the engine is 'actors'). */
export interface PauseRecord {
  /** 'pause' lifts by itself at the next 00:00 UTC; 'halt' lasts to the end of the run. */
  readonly kind: 'pause' | 'halt';
  readonly from: number;
  /** When entries were allowed again; null for a halt (or a pause still on at the end). */
  readonly until: number | null;
  readonly reason: string;
  readonly code: string;
  readonly equity: number;
  readonly dayStartEquity: number;
  /** What the stop applied to; both absent = the whole account (the daily loss limit). */
  readonly symbol?: string;
  readonly presetId?: string;
}

/** The account's mark-to-market equity after each step of the run's timeline. */
export interface EquitySeries {
  readonly time: Float64Array;
  readonly equity: Float64Array;
  /** Notional of all open positions at that time (0 = flat), for exposure %. */
  readonly exposure: Float64Array;
}

export interface DataSpan {
  readonly symbol: string;
  readonly interval: Interval;
  readonly from: number;
  readonly to: number;
  readonly candles: number;
  /** Rows the validator rejected or repaired (bad rows, gaps, duplicates), by reason. */
  readonly dataIssues: Readonly<Record<string, number>>;
}

/** What an engine returns. */
export interface BacktestRun {
  readonly engine: 'fast' | 'actors';
  /** Where the candles came from: 'history' (the store) or 'synthetic' (the simulator's generator, with its seed). */
  readonly market: 'history' | 'synthetic';
  readonly seed: number | null;
  readonly from: number;
  readonly to: number;
  readonly data: readonly DataSpan[];
  /** Preset ids and types that ran, and on which symbols. */
  readonly presets: readonly { readonly id: string; readonly type: string; readonly symbols: readonly string[] }[];
  readonly startEquity: number;
  readonly endEquity: number;
  readonly trades: readonly BacktestTrade[];
  readonly equity: EquitySeries;
  readonly pauses: readonly PauseRecord[];
  /** Candles processed (symbol-candles) and wall time, for candles/s. */
  readonly candlesProcessed: number;
  readonly elapsedMs: number;
  /** Funding settlements charged (count) and the rate source per symbol ('history' | 'configured' | 'none'). */
  readonly funding: Readonly<Record<string, { readonly settlements: number; readonly source: string; readonly total: number }>>;
  /** The portfolio book (allocation mode and every rebalance); null or absent when the portfolio section is off. */
  readonly allocation?: RunAllocation | null;
}

/**
 * Figures of one row of the summary table (one preset x symbol, or the portfolio).
 * Money is USDT, percentages are 0..100, durations are ms. NaN-free: a figure that is not
 * defined for the row is null (never NaN or Infinity), so the JSON round-trips exactly.
 *
 * The portfolio row is measured on the account's mark-to-market equity (BacktestRun.equity);
 * a preset x symbol row on its own realised equity: the run's starting equity plus the
 * cumulative net PnL of its trades at their exit times (it has no equity of its own).
 */
export interface PerformanceMetrics {
  /** Closed trades (EndOfData included). */
  readonly trades: number;
  /** Trades with netPnl > 0. */
  readonly wins: number;
  /** Trades with netPnl < 0 (netPnl exactly 0 is neither). */
  readonly losses: number;
  /** wins / trades x 100; null without trades. */
  readonly winRatePct: number | null;
  /** Sum of the trades' netPnl (realised; equals endEquity - startEquity when the engine's books balance). */
  readonly netPnl: number;
  /** netPnl / startEquity x 100; null when the starting equity is not positive. */
  readonly returnPct: number | null;
  /** Sum of grossPnl (price move x qty, before costs). */
  readonly grossPnl: number;
  /** Sum of trading fees paid (positive = paid). */
  readonly fees: number;
  /** Sum of funding (positive = paid, negative = received). netPnl = grossPnl - fees - funding. */
  readonly funding: number;
  /** Sum of netPnl of the winning trades. */
  readonly grossProfit: number;
  /** Sum of -netPnl of the losing trades (a positive number). */
  readonly grossLoss: number;
  /** grossProfit / grossLoss; null when there is no losing trade (no trades, or all wins). */
  readonly profitFactor: number | null;
  /** Mean R multiple (netPnl / riskAmount) over the trades with a finite one; null when none. */
  readonly expectancyR: number | null;
  /**
   * Daily Sharpe ratio annualised over 365 days: mean(r) / sd(r) x sqrt(365), sd with n - 1.
   * r = the daily return series (see `dailyReturns`); null with fewer than 2 days or sd = 0.
   */
  readonly sharpe: number | null;
  /**
   * Daily Sortino ratio annualised over 365 days: mean(r) / dd x sqrt(365), where
   * dd = sqrt(sum(min(r, 0)^2) / n) (downside deviation against a 0 target); null with fewer
   * than 2 days or when no day lost money.
   */
  readonly sortino: number | null;
  /** Number of daily returns behind sharpe and sortino (UTC days the run touches). */
  readonly days: number;
  /** Deepest fall from a running peak: (peak - equity) / peak x 100 (0 when never below a peak). */
  readonly maxDrawdownPct: number;
  /** Of that deepest drawdown: from its peak until equity is back at the peak (or the end of the run). */
  readonly maxDrawdownDurationMs: number;
  /** The longest time spent below a previous peak, whatever its depth. */
  readonly longestDrawdownMs: number;
  /** Share of the run's time [from, to] with a position open (portfolio: any position). */
  readonly exposurePct: number;
  /** Pauses (lift at 00:00 UTC) and halts (to the end) that applied to the row: account-wide ones count for every row. */
  readonly pauses: number;
  readonly halts: number;
}

export interface PresetSymbolResult {
  readonly presetId: string;
  readonly strategyType: string;
  readonly symbol: string;
  readonly metrics: PerformanceMetrics;
  /** The row's trades by market regime at the signal (src/backtest/metrics/regimes.ts). */
  readonly regimes: RegimeBreakdown;
}

/** A trade in the results: as BacktestTrade, except an R multiple that is not finite (riskAmount 0) is null. */
export type ResultTrade = Omit<BacktestTrade, 'rMultiple'> & { readonly rMultiple: number | null };

/** One point of the sampled equity curve. */
export interface EquityPoint {
  readonly time: string;
  readonly equity: number;
  /** Below the running peak of the full-resolution curve, 0..100 (computed before sampling). */
  readonly drawdownPct: number;
}

/** A UTC day's closing equity: the mark at 00:00 UTC of the next day (or at the end of the run). */
export interface DailyEquity {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly equity: number;
  /** Against the previous day's close (the first day: the starting equity); 0 after equity reached 0. */
  readonly returnPct: number;
}

export interface MonthlyReturn {
  /** YYYY-MM (UTC). */
  readonly month: string;
  /** The month's last daily close. */
  readonly equity: number;
  /** equity - the previous month's close (the first month: the starting equity). */
  readonly pnl: number;
  /** pnl / the previous month's close x 100; 0 when that close was not positive. */
  readonly returnPct: number;
}

/** What `--json` writes (schema 'bybot.backtest.v1', every field documented in the README). */
export interface BacktestResults {
  readonly schema: 'bybot.backtest.v1';
  readonly engine: 'fast' | 'actors';
  readonly market: 'history' | 'synthetic';
  readonly seed: number | null;
  /** The run's bounds, ISO-8601 UTC. */
  readonly from: string;
  readonly to: string;
  readonly data: readonly DataSpan[];
  readonly presets: BacktestRun['presets'];
  readonly startEquity: number;
  readonly endEquity: number;
  readonly portfolio: PerformanceMetrics;
  /** All trades by market regime at the signal: every label, always in the same order. */
  readonly regimes: RegimeBreakdown;
  /** One row per preset x symbol that ran (in the order of the config), with or without trades. */
  readonly byPresetSymbol: readonly PresetSymbolResult[];
  /** Every trade as the engine reported it, in `seq` order. */
  readonly trades: readonly ResultTrade[];
  /** The mark-to-market equity curve, sampled to at most 5,000 points keeping each bucket's high, low and deepest drawdown. */
  readonly equityCurve: readonly EquityPoint[];
  readonly dailyEquity: readonly DailyEquity[];
  readonly monthlyReturns: readonly MonthlyReturn[];
  readonly pauses: readonly (Omit<PauseRecord, 'from' | 'until'> & { readonly from: string; readonly until: string | null })[];
  readonly funding: BacktestRun['funding'];
  /** Portfolio allocation: the mode, every rebalance (ISO time, reason, weights per preset and sleeve, inputs) and each preset's contribution to return and risk. */
  readonly allocation: {
    readonly mode: string;
    readonly rebalances: readonly (Omit<RebalanceRecord, 'at'> & { readonly at: string })[];
    readonly contributions: readonly PresetContribution[];
  };
  /** Candles processed (symbol-candles), wall time, and their ratio (null when no time was measured). */
  readonly performance: { readonly candles: number; readonly elapsedMs: number; readonly candlesPerSecond: number | null };
}
