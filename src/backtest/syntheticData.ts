import type { AppConfig } from '../../config/schema.ts';
import { configuredSchedule } from '../core/fills/funding.ts';
import { intervalMs, type Candle } from '../domain/types.ts';
import type { CandleColumns } from '../history/types.ts';
import { MarketGenerator } from '../sim/market.ts';
import type { DataSeriesSpec } from './prepareRun.ts';
import type { SymbolData } from './input.ts';

const MINUTE = 60_000;

/**
 * `--market synthetic`: the simulator's seeded generator (regimes, volume spikes, the
 * instruments' filters) turned into stored-candle columns, so both engines run on it exactly
 * as on history. Same seed, same candles.
 */
export function syntheticData(config: AppConfig, series: readonly DataSeriesSpec[], origin: number, to: number, seed: number): Map<string, SymbolData> {
  const alignedOrigin = Math.floor(origin / MINUTE) * MINUTE;
  const clock = { now: () => to, setTimeout: () => 0, clearTimeout: () => undefined };
  const market = new MarketGenerator({ clock, seed, origin: alignedOrigin, regimes: config.simulator.regimes });
  const out = new Map<string, SymbolData>();
  for (const spec of series) {
    const columns = generate(market, spec, to);
    const prev = out.get(spec.symbol);
    out.set(spec.symbol, {
      symbol: spec.symbol,
      instrument: market.instrument(spec.symbol),
      series: [...(prev?.series ?? []), columns],
      funding: configuredSchedule(config.simulator.fundingRate, alignedOrigin, to),
    });
  }
  return out;
}

function generate(market: MarketGenerator, spec: DataSeriesSpec, to: number): CandleColumns {
  const step = intervalMs(spec.interval);
  const rows: Candle[] = [];
  let start = Math.ceil(market.origin / step) * step;
  // Closed candles only: the last one ends at or before `to`.
  while (start + step <= to) {
    const end = Math.min(to - step, start + 999 * step);
    const page = market.candles({ symbol: spec.symbol, interval: spec.interval, limit: 1000, start, end });
    if (page.length === 0) break;
    rows.push(...page);
    start = page[page.length - 1]!.start + step;
  }
  const col = (pick: (c: Candle) => number): Float64Array => Float64Array.from(rows, pick);
  return {
    symbol: spec.symbol,
    interval: spec.interval,
    length: rows.length,
    start: col((c) => c.start),
    open: col((c) => c.open),
    high: col((c) => c.high),
    low: col((c) => c.low),
    close: col((c) => c.close),
    volume: col((c) => c.volume),
    turnover: col((c) => c.turnover),
  };
}
