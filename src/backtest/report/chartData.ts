import type { BacktestResults, ResultTrade } from '../types.ts';
import type { CandleColumns } from '../../history/types.ts';
import { intervalMs } from '../../domain/types.ts';

/**
 * What the report's script draws, prepared here so the page only hands arrays to the chart
 * library: times in UTC seconds (the library's unit), candles merged into at most
 * MAX_BARS bars per symbol, trade markers snapped onto those bars.
 */

export const MAX_BARS = 3_000;

/** [time s, open, high, low, close] */
export type Bar = readonly [number, number, number, number, number];

export interface Marker {
  readonly time: number;
  readonly position: 'aboveBar' | 'belowBar';
  readonly shape: 'arrowUp' | 'arrowDown' | 'circle';
  readonly color: string;
}

export interface PriceChart {
  readonly symbol: string;
  /** Candle length and how many candles each bar merges. */
  readonly intervalMinutes: number;
  readonly candlesPerBar: number;
  readonly candles: number;
  readonly bars: readonly Bar[];
  readonly markers: readonly Marker[];
  /** Trades of this symbol that fall outside the candles (no marker). */
  readonly unmarked: number;
}

export interface ReportChartData {
  /** [time s, equity, -drawdown %] of the sampled equity curve. */
  readonly equity: readonly (readonly [number, number, number])[];
  readonly prices: readonly PriceChart[];
}

/** Significant digits kept for chart values (the tables show the exact figures). */
const round = (v: number): number => Number(v.toPrecision(8));

/** Index of the last candle that starts at or before t (-1 before the first). */
function candleAt(start: Float64Array, length: number, t: number): number {
  let lo = 0;
  let hi = length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (start[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function downsampleCandles(c: CandleColumns, maxBars = MAX_BARS): { bars: Bar[]; perBar: number } {
  const perBar = Math.max(1, Math.ceil(c.length / maxBars));
  const bars: Bar[] = [];
  for (let i = 0; i < c.length; i += perBar) {
    const end = Math.min(c.length, i + perBar);
    let high = -Infinity;
    let low = Infinity;
    for (let j = i; j < end; j++) {
      if (c.high[j]! > high) high = c.high[j]!;
      if (c.low[j]! < low) low = c.low[j]!;
    }
    bars.push([Math.floor(c.start[i]! / 1000), round(c.open[i]!), round(high), round(low), round(c.close[end - 1]!)]);
  }
  return { bars, perBar };
}

const WIN = '#16a34a';
const LOSS = '#dc2626';
const LONG = '#2563eb';
const SHORT = '#d97706';

function markersFor(c: CandleColumns, perBar: number, trades: readonly ResultTrade[]): { markers: Marker[]; unmarked: number } {
  const markers: Marker[] = [];
  let unmarked = 0;
  const last = c.length > 0 ? c.start[c.length - 1]! + intervalMs(c.interval) : -Infinity;
  const barTime = (t: number): number | null => {
    const i = candleAt(c.start, c.length, t);
    if (i < 0 || t > last) return null;
    return Math.floor(c.start[i - (i % perBar)]! / 1000);
  };
  for (const t of trades) {
    const entry = barTime(t.entryTime);
    const exit = barTime(t.exitTime);
    if (entry === null || exit === null) {
      unmarked++;
      continue;
    }
    const long = t.side === 'long';
    markers.push({ time: entry, position: long ? 'belowBar' : 'aboveBar', shape: long ? 'arrowUp' : 'arrowDown', color: long ? LONG : SHORT });
    markers.push({ time: exit, position: long ? 'aboveBar' : 'belowBar', shape: 'circle', color: t.netPnl > 0 ? WIN : LOSS });
  }
  markers.sort((a, b) => a.time - b.time);
  return { markers, unmarked };
}

export function chartData(results: BacktestResults, prices: readonly CandleColumns[]): ReportChartData {
  const equity = results.equityCurve.map((p) => [Math.floor(Date.parse(p.time) / 1000), round(p.equity), -round(p.drawdownPct)] as const);
  const charts = prices.map((c): PriceChart => {
    const { bars, perBar } = downsampleCandles(c);
    const { markers, unmarked } = markersFor(c, perBar, results.trades.filter((t) => t.symbol === c.symbol));
    return { symbol: c.symbol, intervalMinutes: intervalMs(c.interval) / 60_000, candlesPerBar: perBar, candles: c.length, bars, markers, unmarked };
  });
  return { equity, prices: charts };
}
