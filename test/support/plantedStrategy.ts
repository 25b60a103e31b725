import { z } from 'zod';
import type { StrategyPreset } from '../../config/schema.ts';
import { configuredSchedule } from '../../src/core/fills/funding.ts';
import { gaussian, mulberry32 } from '../../src/core/rng.ts';
import type { IndicatorResult, SignalDecision, StrategyDefinition } from '../../src/core/strategy/contract.ts';
import { getStrategy } from '../../src/core/strategy/registry.ts';
import type { Candle } from '../../src/domain/types.ts';
import type { SymbolData } from '../../src/backtest/input.ts';
import type { TrialContext } from '../../src/research/trial.ts';
import { instrumentFor } from '../../src/sim/instruments.ts';
import { toColumns } from './candleColumns.ts';
import { testConfig } from './backtestData.ts';

/**
 * A planted strategy and market for the research tests: the strategy always wants to be in
 * the market on the side its `side` param names (stop 1 %, target 2 %); the market's drift
 * follows a schedule, so which side wins is decided by the test, per span of days.
 */
export const PlantedParamsSchema = z.strictObject({
  interval: z.literal('60').default('60'),
  historyCandles: z.number().int().default(30),
  side: z.enum(['long', 'short']).default('long'),
  /** A second, irrelevant dimension, so the search has something to explore. */
  noise: z.number().min(0).max(1).default(0.5),
});
type PlantedParams = z.infer<typeof PlantedParamsSchema>;

interface State {
  last: Candle | null;
  seen: number;
}

function decide(side: 'long' | 'short', price: number): SignalDecision {
  const long = side === 'long';
  return {
    action: side,
    price,
    stopLoss: long ? price * 0.99 : price * 1.01,
    takeProfit: long ? price * 1.02 : price * 0.98,
    factors: { a: 1, b: 1, c: 1 },
    score: 1,
    mode: 'full',
    reason: `planted ${side}`,
  };
}

export const plantedStrategy: StrategyDefinition<PlantedParams, State> = {
  type: 'planted',
  description: 'always in the market on one side (tests only)',
  factorNames: ['a', 'b', 'c'],
  paramsSchema: PlantedParamsSchema,
  searchSpace: { side: { values: ['long', 'short'] }, noise: { min: 0, max: 1, step: 0.25 } },
  warmup: () => 5,
  initState: () => ({ last: null, seen: 0 }),
  update: (s, c) => {
    s.last = { ...c };
    s.seen++;
    return s;
  },
  indicators: (s): IndicatorResult | null => (s.last && s.seen >= 5 ? { candleStart: s.last.start, close: s.last.close, values: {} } : null),
  signal: (ind, p) => decide(p.side, ind.close),
  fallback: (candles, p) => decide(p.side, candles[candles.length - 1]?.close ?? 1),
};

export const resolvePlanted = (type: string) => (type === 'planted' ? plantedStrategy : getStrategy(type));

const HOUR = 3_600_000;

/** Hourly candles from `start`; `driftPerDay(t)` is the log drift per day at time t, plus small seeded noise. */
export function driftMarket(start: number, hours: number, driftPerDay: (t: number) => number, seed = 7): Candle[] {
  const random = mulberry32(seed);
  const out: Candle[] = [];
  let logPrice = Math.log(20_000);
  for (let i = 0; i < hours; i++) {
    const t = start + i * HOUR;
    const open = Math.exp(logPrice);
    logPrice += driftPerDay(t) / 24 + 0.0005 * gaussian(random);
    const close = Math.exp(logPrice);
    const wick = 0.0003 * open;
    out.push({ start: t, open, high: Math.max(open, close) + wick, low: Math.min(open, close) - wick, close, volume: 100, turnover: 100 * close });
  }
  return out;
}

export function plantedContext(candles: readonly Candle[], params: Record<string, unknown> = {}): TrialContext {
  const config = testConfig();
  const preset = { id: 'planted', type: 'planted', symbols: ['BTCUSDT'], params: PlantedParamsSchema.parse(params), enabled: true } as unknown as StrategyPreset;
  const columns = toColumns('BTCUSDT', '60', candles);
  const data = new Map<string, SymbolData>([
    ['BTCUSDT', { symbol: 'BTCUSDT', instrument: instrumentFor('BTCUSDT', candles[0]!.close), series: [columns], funding: configuredSchedule(0, candles[0]!.start, candles.at(-1)!.start) }],
  ]);
  return { config: { ...config, strategies: [preset] }, preset, data, market: 'synthetic', seed: null, resolve: resolvePlanted };
}
