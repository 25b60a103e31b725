import { gaussian, mulberry32 } from '../../../../src/core/rng.ts';
import type { PastDecision, SeriesRows } from '../../../../src/core/ml/replay.ts';

/** A seeded hourly market for feature tests (never real data): columns and decisions on it. */
export const HOUR = 3_600_000;
/** Spans the 2023 US daylight-saving change (12 March), so the session feature crosses it. */
export const MARKET_START = Date.UTC(2023, 2, 1);

export interface Columns extends SeriesRows {
  readonly start: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export function featureMarket(hours: number, seed = 11): Columns {
  const random = mulberry32(seed);
  const start = new Float64Array(hours);
  const close = new Float64Array(hours);
  const volume = new Float64Array(hours);
  let logPrice = Math.log(25_000);
  for (let i = 0; i < hours; i++) {
    start[i] = MARKET_START + i * HOUR;
    logPrice += 0.004 * gaussian(random);
    close[i] = Math.exp(logPrice);
    volume[i] = 100 + 50 * random();
  }
  return { length: hours, start, close, volume };
}

/** One decision every `every` candles from `from`, alternating sides, factors and regimes. */
export function decisionsOn(series: Columns, from: number, every: number): PastDecision[] {
  const out: PastDecision[] = [];
  for (let i = from, k = 0; i < series.length; i += every, k++) {
    out.push({ candleStart: series.start[i]!, factors: [(k % 10) / 10, ((k * 3) % 10) / 10, ((k * 7) % 10) / 10], side: k % 2 === 0 ? 'long' : 'short', regime: k % 5 });
  }
  return out;
}
