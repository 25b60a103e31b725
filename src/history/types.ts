import type { Instrument, Interval } from '../domain/types.ts';

/**
 * The history store's contract (backtest lab): what the data CLI writes and what the
 * backtest engines, the simulator's history replay and the research tools read. Candles
 * are columns of typed arrays, oldest first, so a year of 1m candles loads as six
 * Float64Arrays and the engines read them without allocating per candle.
 */

/** One stored series: candle open times (UTC ms) and OHLCV(+turnover) as parallel columns. */
export interface CandleColumns {
  readonly symbol: string;
  readonly interval: Interval;
  /** Number of rows; every column has exactly this length. */
  readonly length: number;
  /** Candle open time, UTC epoch ms, strictly increasing. */
  readonly start: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** Base-coin volume, as Bybit's kline field 5. */
  readonly volume: Float64Array;
  /** Quote-coin turnover; NaN where the source had none. */
  readonly turnover: Float64Array;
}

/** Funding-rate history of one perpetual (Bybit /v5/market/funding/history), oldest first. */
export interface FundingColumns {
  readonly symbol: string;
  readonly length: number;
  /** Funding settlement time, UTC epoch ms. */
  readonly time: Float64Array;
  /** Rate per settlement (0.0001 = 0.01 %); longs pay shorts when positive. */
  readonly rate: Float64Array;
}

/** Inclusive bounds on candle open time (UTC ms); omitted = unbounded. */
export interface TimeRange {
  readonly from?: number;
  readonly to?: number;
}

/** What `npm run data -- list` shows for one stored series. */
export interface HistorySeriesInfo {
  readonly symbol: string;
  readonly interval: Interval;
  readonly from: number;
  readonly to: number;
  readonly rows: number;
  /** Missing candles between from and to. */
  readonly gaps: number;
  /** Where the rows came from: 'csv:<file name>', 'bybit:<venue>', ... */
  readonly sources: readonly string[];
  readonly sha256: string;
}

export interface HistoryStore {
  /** The directory the store lives in (`<journal.dataDir>/history` or `--history-dir`). */
  readonly dir: string;
  /** Candles of one series within the range; throws HistoryError (code HISTORY_NOT_FOUND) when nothing is stored. */
  loadCandles(symbol: string, interval: Interval, range?: TimeRange): CandleColumns;
  /** Stored funding history, or null when none was downloaded for the symbol. */
  loadFunding(symbol: string, range?: TimeRange): FundingColumns | null;
  /** The instrument filters saved with the series (tickSize, qtyStep, ...), or null. */
  loadInstrument(symbol: string): Instrument | null;
  list(): readonly HistorySeriesInfo[];
}

/** What `npm run data -- list` shows for a symbol's stored funding history. */
export interface FundingSeriesInfo {
  readonly symbol: string;
  readonly from: number;
  readonly to: number;
  readonly rows: number;
  readonly sources: readonly string[];
  readonly sha256: string;
}

/** How a write changed a stored series (merge rule: the newest import wins a conflict). */
export interface HistoryWriteReport {
  /** Rows whose open time was not stored before. */
  readonly added: number;
  /** Stored rows replaced by different values for the same open time. */
  readonly changed: number;
  /** Incoming rows identical to what was stored. */
  readonly unchanged: number;
  /** The series after the write. */
  readonly rows: number;
  readonly from: number;
  readonly to: number;
  readonly gaps: number;
}

/** The store's write side (the data CLI); the backtest engines only need HistoryStore. */
export interface WritableHistoryStore extends HistoryStore {
  /** Merges candles (sorted by start, unique, on the interval grid) into the series. */
  writeCandles(symbol: string, interval: Interval, incoming: CandleColumns, source: string, fetched?: ReadonlyArray<readonly [number, number]>): HistoryWriteReport;
  writeFunding(symbol: string, incoming: FundingColumns, source: string, fetched?: ReadonlyArray<readonly [number, number]>): HistoryWriteReport;
  writeInstrument(symbol: string, instrument: Instrument, source: string): void;
  listFunding(): readonly FundingSeriesInfo[];
}
