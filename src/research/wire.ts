import type { AppConfig, StrategyPreset } from '../../config/schema.ts';
import type { SymbolData } from '../backtest/input.ts';
import type { FundingSchedule } from '../core/fills/funding.ts';
import { historySchedule } from '../core/fills/funding.ts';
import type { Instrument } from '../domain/types.ts';
import type { CandleColumns } from '../history/types.ts';
import type { TrialContext } from './trial.ts';

/**
 * A TrialContext as plain data for the worker threads (`workerData`, copied once per
 * worker): the candle columns in buffers of their own (a store view would drag its whole
 * decoded batch along) and each funding schedule spelled out as times and rates.
 */
export interface WireContext {
  readonly config: AppConfig;
  readonly preset: StrategyPreset;
  readonly market: 'history' | 'synthetic';
  readonly seed: number | null;
  readonly data: readonly {
    readonly symbol: string;
    readonly instrument: Instrument;
    readonly series: readonly CandleColumns[];
    readonly funding: { readonly source: FundingSchedule['source']; readonly time: Float64Array; readonly rate: Float64Array };
  }[];
}

const own = (c: CandleColumns): CandleColumns => ({
  symbol: c.symbol,
  interval: c.interval,
  length: c.length,
  start: c.start.slice(),
  open: c.open.slice(),
  high: c.high.slice(),
  low: c.low.slice(),
  close: c.close.slice(),
  volume: c.volume.slice(),
  turnover: c.turnover.slice(),
});

export function toWire(ctx: TrialContext): WireContext {
  if (ctx.resolve) throw new Error('a context with its own strategy catalogue runs inline only (workers use the registry)');
  return {
    config: ctx.config,
    preset: ctx.preset,
    market: ctx.market,
    seed: ctx.seed,
    data: [...ctx.data.values()].map((d) => {
      const time = new Float64Array(d.funding.length);
      const rate = new Float64Array(d.funding.length);
      for (let i = 0; i < d.funding.length; i++) {
        time[i] = d.funding.time(i);
        rate[i] = d.funding.rate(i);
      }
      return { symbol: d.symbol, instrument: d.instrument, series: d.series.map(own), funding: { source: d.funding.source, time, rate } };
    }),
  };
}

export function fromWire(w: WireContext): TrialContext {
  const data = new Map<string, SymbolData>();
  for (const d of w.data) {
    const funding: FundingSchedule = { ...historySchedule(d.funding.time, d.funding.rate), source: d.funding.source };
    data.set(d.symbol, { symbol: d.symbol, instrument: d.instrument, series: d.series, funding });
  }
  return { config: w.config, preset: w.preset, market: w.market, seed: w.seed, data };
}
