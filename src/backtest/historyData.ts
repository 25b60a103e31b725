import type { AppConfig } from '../../config/schema.ts';
import { configuredSchedule, historySchedule } from '../core/fills/funding.ts';
import { intervalMs } from '../domain/types.ts';
import type { HistoryStore } from '../history/types.ts';
import { instrumentFor } from '../sim/instruments.ts';
import type { SymbolData } from './input.ts';
import { seriesKey, type DataSeriesSpec } from './prepareRun.ts';

/**
 * The candles, filters and funding of a history run, read from the store: each series from
 * three warm-ups before `from` (gaps can make the warm-up's rows span more time) to the
 * last candle that closes by `to`. The instrument's stored filters, else Bybit's published
 * ones for the known symbols (src/sim/instruments.ts). The stored funding history, else
 * simulator.fundingRate at 00:00, 08:00 and 16:00 UTC.
 */
export function loadHistory(store: HistoryStore, config: AppConfig, series: readonly DataSeriesSpec[], from: number, to: number, warmupRows: ReadonlyMap<string, number>): Map<string, SymbolData> {
  const out = new Map<string, SymbolData>();
  let earliest = from;
  const loaded = series.map((spec) => {
    const step = intervalMs(spec.interval);
    const lower = from - 3 * (warmupRows.get(seriesKey(spec.symbol, spec.interval)) ?? 1) * step;
    earliest = Math.min(earliest, lower);
    return { spec, columns: store.loadCandles(spec.symbol, spec.interval, { from: lower, to: to - step }) };
  });
  for (const { spec, columns } of loaded) {
    const previous = out.get(spec.symbol);
    if (previous) {
      out.set(spec.symbol, { ...previous, series: [...previous.series, columns] });
      continue;
    }
    const funding = store.loadFunding(spec.symbol, { from: earliest, to });
    const reference = columns.length > 0 ? columns.close[0]! : 1;
    out.set(spec.symbol, {
      symbol: spec.symbol,
      instrument: store.loadInstrument(spec.symbol) ?? instrumentFor(spec.symbol, reference),
      series: [columns],
      funding: funding && funding.length > 0 ? historySchedule(funding.time, funding.rate) : configuredSchedule(config.simulator.fundingRate, earliest, to),
    });
  }
  return out;
}
