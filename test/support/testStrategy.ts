import { z } from 'zod';
import type { Candle } from '../../src/domain/types.ts';
import { confluenceScore, type IndicatorResult, type SignalDecision, type StrategyDefinition } from '../../src/core/strategy/contract.ts';

/**
 * A deliberately trivial strategy for machine tests: the sign of the last candle's body
 * decides (up -> long, down -> short, doji -> none). It lets a test choose the machine's
 * branch through the data alone, independent of the real strategies' tuning.
 */
export const TestParamsSchema = z.strictObject({
  interval: z.enum(['1', '5']).default('1'),
  historyCandles: z.number().int().default(30),
});
export type TestParams = z.infer<typeof TestParamsSchema>;

interface TestState {
  readonly last: Candle | null;
  readonly seen: number;
}

function decide(price: number | undefined, body: number, mode: 'full' | 'degraded'): SignalDecision {
  const none = (reason: string): SignalDecision => ({
    action: 'none',
    price: price ?? 0,
    stopLoss: 0,
    takeProfit: 0,
    factors: { body: 0, trend: 0, volume: 0 },
    score: 0.1,
    mode,
    reason,
  });
  if (price === undefined) return none('no candle');
  if (body === 0) return none('doji');
  const long = body > 0;
  const factors = { body: 1, trend: 1, volume: mode === 'full' ? 1 : 0 };
  return {
    action: long ? 'long' : 'short',
    price,
    stopLoss: long ? price * 0.99 : price * 1.01,
    takeProfit: long ? price * 1.03 : price * 0.97,
    factors,
    score: confluenceScore([factors.body, factors.trend, factors.volume], [0.4, 0.4, 0.2]),
    mode,
    reason: long ? 'up candle' : 'down candle',
  };
}

export const testStrategy: StrategyDefinition<TestParams, TestState> = {
  type: 'test',
  description: 'sign of the last candle body (tests only)',
  factorNames: ['body', 'trend', 'volume'],
  paramsSchema: TestParamsSchema,
  warmup: () => 5,
  initState: () => ({ last: null, seen: 0 }),
  update: (state, candle) => ({ last: candle, seen: state.seen + 1 }),
  indicators: (state): IndicatorResult | null =>
    state.last && state.seen >= 5 ? { candleStart: state.last.start, close: state.last.close, values: { body: state.last.close - state.last.open } } : null,
  signal: (indicators) => {
    // A body this large never happens in the fixtures except on purpose: it stands for a strategy bug.
    if ((indicators.values.body ?? 0) > 1000) throw new Error('test strategy bug: implausible body');
    return decide(indicators.close, indicators.values.body ?? 0, 'full');
  },
  fallback: (candles) => {
    const last = candles[candles.length - 1];
    return decide(last?.close, last ? last.close - last.open : 0, 'degraded');
  },
};
