import type { Candle } from '../../domain/types.ts';
import { bucketStart } from '../data/utcTime.ts';
import { allFinite } from './window.ts';

/**
 * Builds higher-timeframe candles (e.g. 15m or 60m) from base candles (1m or 5m), with
 * buckets aligned to UTC boundaries. A higher candle is emitted as closed when the base
 * candle that ends its bucket arrives, so a strategy never sees a still-forming higher
 * candle (no look-ahead). If that last base candle never comes (a gap), the bucket is
 * emitted when the first candle of a later bucket arrives, keeping the series continuous.
 * Out-of-order or repeated base candles are ignored. O(1) per base candle.
 */
export interface AggregatorState {
  readonly baseMs: number;
  readonly targetMs: number;
  readonly lastBaseStart: number | null;
  /** The bucket under construction; `start` is the bucket's start. */
  readonly forming: Candle | null;
  /** Higher candles closed by the latest base candle, oldest first (usually 0 or 1). */
  readonly closed: readonly Candle[];
}

export function initAggregator(baseMs: number, targetMs: number): AggregatorState {
  const base = baseMs > 0 && Number.isFinite(baseMs) ? baseMs : 60_000;
  const target = targetMs > 0 && Number.isFinite(targetMs) ? Math.max(targetMs, base) : base;
  return { baseMs: base, targetMs: target, lastBaseStart: null, forming: null, closed: [] };
}

/** Only the Candle fields: extra properties of the input must not leak into our state. */
function pickCandle(c: Candle): Candle {
  return { start: c.start, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume, turnover: c.turnover };
}

function merge(forming: Candle, candle: Candle): Candle {
  return {
    start: forming.start,
    open: forming.open,
    high: Math.max(forming.high, candle.high),
    low: Math.min(forming.low, candle.low),
    close: candle.close,
    volume: forming.volume + candle.volume,
    turnover: forming.turnover + candle.turnover,
  };
}

export function nextAggregator(state: AggregatorState, candle: Candle): AggregatorState {
  const fields = [candle.start, candle.open, candle.high, candle.low, candle.close, candle.volume, candle.turnover];
  if (!allFinite(...fields)) return state;
  if (state.lastBaseStart !== null && candle.start <= state.lastBaseStart) return state;
  const bucket = bucketStart(candle.start, state.targetMs);
  const closed: Candle[] = [];
  let forming = state.forming;
  if (forming !== null && forming.start !== bucket) {
    closed.push(forming);
    forming = null;
  }
  forming = forming === null ? { ...pickCandle(candle), start: bucket } : merge(forming, pickCandle(candle));
  if (candle.start + state.baseMs >= bucket + state.targetMs) {
    closed.push(forming);
    forming = null;
  }
  return { ...state, lastBaseStart: candle.start, forming, closed };
}

/** Higher candles closed by the latest base candle (empty most of the time). */
export function readClosedCandles(state: AggregatorState): readonly Candle[] {
  return state.closed;
}

/** The higher candle still forming (not closed: do not trade on it). */
export function readFormingCandle(state: AggregatorState): Candle | null {
  return state.forming;
}

/** Batch helper: all closed higher candles of a base series. */
export function aggregateCandles(candles: readonly Candle[], baseMs: number, targetMs: number): Candle[] {
  const out: Candle[] = [];
  let state = initAggregator(baseMs, targetMs);
  for (const candle of candles) {
    state = nextAggregator(state, candle);
    out.push(...state.closed);
  }
  return out;
}
