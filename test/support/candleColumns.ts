import type { Candle, Interval } from '../../src/domain/types.ts';
import type { CandleColumns } from '../../src/history/types.ts';

/** CandleColumns (the history store's shape) from candle objects, for tests that feed the backtest engines. */
export function toColumns(symbol: string, interval: Interval, candles: readonly Candle[]): CandleColumns {
  const col = (pick: (c: Candle) => number) => Float64Array.from(candles, pick);
  return {
    symbol,
    interval,
    length: candles.length,
    start: col((c) => c.start),
    open: col((c) => c.open),
    high: col((c) => c.high),
    low: col((c) => c.low),
    close: col((c) => c.close),
    volume: col((c) => c.volume),
    turnover: col((c) => c.turnover),
  };
}
