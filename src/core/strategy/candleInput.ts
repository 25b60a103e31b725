import type { Candle } from '../../domain/types.ts';

/** True when every OHLCV field is a finite number: strategies skip other candles rather than poison their state. */
export function isFiniteCandle(candle: Candle): boolean {
  return (
    Number.isFinite(candle.start) &&
    Number.isFinite(candle.open) &&
    Number.isFinite(candle.high) &&
    Number.isFinite(candle.low) &&
    Number.isFinite(candle.close) &&
    Number.isFinite(candle.volume)
  );
}

/** The IndicatorResult a strategy state owns and refills on every `indicators()` call. */
export interface ReusedResult<K extends string> {
  candleStart: number;
  close: number;
  readonly values: Record<K, number>;
}

/**
 * A reused result whose `values` record has exactly `names` as keys, in that order (one
 * hidden class, number fields only), filled with NaN until the first reading.
 */
export function reusedResult<K extends string>(names: readonly K[]): ReusedResult<K> {
  const values = {} as Record<K, number>;
  for (const name of names) values[name] = Number.NaN;
  return { candleStart: Number.NaN, close: Number.NaN, values };
}

/** The last accepted candle's price fields (signal() only sees IndicatorResult values). */
export class LastBar {
  seen = false;
  start = Number.NaN;
  open = Number.NaN;
  high = Number.NaN;
  low = Number.NaN;
  close = Number.NaN;

  set(candle: Candle): void {
    this.seen = true;
    this.start = candle.start;
    this.open = candle.open;
    this.high = candle.high;
    this.low = candle.low;
    this.close = candle.close;
  }
}
