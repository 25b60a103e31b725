import type { Interval } from '../domain/types.ts';

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
}

/** Figures of one row of the summary table. Percentages are 0..100; NaN-free (null where undefined, e.g. profit factor with no losses). */
export interface PerformanceMetrics {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRatePct: number;
  readonly netPnl: number;
  readonly returnPct: number;
  readonly grossPnl: number;
  readonly fees: number;
  readonly funding: number;
  /** Gross profit / gross loss of closed trades (net of costs); null when there is no loss. */
  readonly profitFactor: number | null;
  /** Mean R multiple per trade; null without trades. */
  readonly expectancyR: number | null;
  /** Daily returns, annualised over 365 days; null with fewer than 2 days. */
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly maxDrawdownPct: number;
  readonly maxDrawdownDurationMs: number;
  /** Share of the run's time with a position open. */
  readonly exposurePct: number;
  readonly pauses: number;
  readonly halts: number;
}

export interface PresetSymbolResult {
  readonly presetId: string;
  readonly strategyType: string;
  readonly symbol: string;
  readonly metrics: PerformanceMetrics;
}

/** What `--json` writes (schema 'bybot.backtest.v1', documented in the README). */
export interface BacktestResults {
  readonly schema: 'bybot.backtest.v1';
  readonly engine: 'fast' | 'actors';
  readonly market: 'history' | 'synthetic';
  readonly seed: number | null;
  readonly from: string;
  readonly to: string;
  readonly data: readonly DataSpan[];
  readonly startEquity: number;
  readonly endEquity: number;
  readonly portfolio: PerformanceMetrics;
  readonly byPresetSymbol: readonly PresetSymbolResult[];
  readonly trades: readonly BacktestTrade[];
  /** Equity curve sampled to at most a few thousand points (ISO times), plus every UTC day's closing equity. */
  readonly equityCurve: readonly { readonly time: string; readonly equity: number; readonly drawdownPct: number }[];
  readonly dailyEquity: readonly { readonly day: string; readonly equity: number; readonly returnPct: number }[];
  readonly monthlyReturns: readonly { readonly month: string; readonly returnPct: number }[];
  readonly pauses: readonly (Omit<PauseRecord, 'from' | 'until'> & { readonly from: string; readonly until: string | null })[];
  readonly funding: BacktestRun['funding'];
  readonly performance: { readonly candles: number; readonly elapsedMs: number; readonly candlesPerSecond: number };
}
