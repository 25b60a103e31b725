import type { Candle } from '../../domain/types.ts';

/** The last candle's price fields, kept in strategy states (signal() only sees IndicatorResult values). */
export interface LastBar {
  readonly start: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

export function lastBar(candle: Candle): LastBar {
  return { start: candle.start, open: candle.open, high: candle.high, low: candle.low, close: candle.close };
}

/** True when every OHLCV field is a finite number: strategies skip other candles rather than poison their state. */
export function isFiniteCandle(candle: Candle): boolean {
  return [candle.start, candle.open, candle.high, candle.low, candle.close, candle.volume].every((v) => typeof v === 'number' && Number.isFinite(v));
}
