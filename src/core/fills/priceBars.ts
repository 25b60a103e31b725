import { rowProblemOf } from '../data/validate.ts';

/**
 * The bars a fill model trades on. A stored row that fails the data check (non-finite,
 * negative, OHLC inconsistent) is not a price: no order fills, no stop triggers and no
 * position is marked on it. Both the fast engine and the simulator's replay take their
 * prices from `priceBars`, so they skip exactly the same rows. A missing turnover (NaN in
 * the history store: the source had none) is read as 0.
 */
export interface BarColumns {
  readonly length: number;
  readonly start: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}

export interface StoredColumns extends BarColumns {
  readonly volume: Float64Array;
  readonly turnover: Float64Array;
}

/** A stored turnover as a candle value: the store's NaN ("none") reads as 0. */
export function storedTurnover(value: number): number {
  return Number.isNaN(value) ? 0 : value;
}

/** The rows of `columns` usable as prices: the input itself when every row is, else compact copies. */
export function priceBars(columns: StoredColumns): BarColumns {
  const keep = new Int32Array(columns.length);
  let n = 0;
  for (let i = 0; i < columns.length; i++) {
    const problem = rowProblemOf(columns.start[i]!, columns.open[i]!, columns.high[i]!, columns.low[i]!, columns.close[i]!, columns.volume[i]!, storedTurnover(columns.turnover[i]!));
    if (problem === null) keep[n++] = i;
  }
  if (n === columns.length) return columns;
  const pick = (from: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = from[keep[k]!]!;
    return out;
  };
  return { length: n, start: pick(columns.start), open: pick(columns.open), high: pick(columns.high), low: pick(columns.low), close: pick(columns.close) };
}
