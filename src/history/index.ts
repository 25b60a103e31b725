/** The history store's public surface: the backtest engines, the report and the data CLI import from here. */
export type { CandleColumns, FundingColumns, FundingSeriesInfo, HistorySeriesInfo, HistoryStore, HistoryWriteReport, TimeRange, WritableHistoryStore } from './types.ts';
export { openHistoryStore, FileHistoryStore, type OpenHistoryStoreOptions } from './store.ts';
export { resolveHistoryDir } from './paths.ts';
export { HistoryError } from './errors.ts';
export { candleAt, sliceCandles } from './columns.ts';
