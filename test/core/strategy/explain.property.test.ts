import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../../support/seedProperties.ts';
import type { IndicatorResult } from '../../../src/core/strategy/contract.ts';
import { getStrategy } from '../../../src/core/strategy/registry.ts';
import { evaluateSignal } from '../../../src/core/strategy/runner.ts';
import { syntheticCandles } from '../support/series.ts';

/**
 * signal(indicators, params, false) is the fast engine's call: the strategy may leave the
 * reason empty (fixed sentences may stay), and nothing else may change. Held on every candle of generated markets (all
 * the actions and 'none' paths of each strategy) and through the runner's guard.
 */
const TYPES = ['range', 'multiTimeframe', 'volumeVwap'] as const;

/** Equal but for the reason, which is the same or empty (expect() per candle would cost seconds). */
function sameButReason(terse: { readonly reason: string }, full: { readonly reason: string }): void {
  const a = JSON.stringify({ ...terse, reason: '' });
  const b = JSON.stringify({ ...full, reason: '' });
  if (a !== b || (terse.reason !== '' && terse.reason !== full.reason)) expect({ ...terse }).toEqual({ ...full });
}

describe.each(TYPES)('%s: explain false changes only the reason', (type) => {
  const def = getStrategy(type)!;

  it('on generated markets, every candle with indicators', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          count: fc.integer({ min: 800, max: 1_200 }),
          theta: fc.constantFrom(0, 0.01, 0.05),
          volatility: fc.constantFrom(0.0005, 0.002, 0.006),
          startPrice: fc.constantFrom(0.05, 100, 30_000),
        }),
        (market) => {
          const params = def.paramsSchema.parse({});
          let state = def.initState(params);
          let entries = 0;
          for (const candle of syntheticCandles(market)) {
            state = def.update(state, candle, params);
            const ind = def.indicators(state, params) as IndicatorResult | null;
            if (ind === null) continue;
            const full = def.signal(ind, params);
            const terse = def.signal(ind, params, false);
            sameButReason(terse, full);
            if (full.action !== 'none') entries++;
            const stamp = { definition: def, params, indicators: ind, candles: [], degraded: false, strategyId: 'p', symbol: 'BTCUSDT' };
            sameButReason(evaluateSignal({ ...stamp, explain: false }), evaluateSignal(stamp));
          }
          return entries > 0;
        },
      ),
      { numRuns: 8 },
    );
  });
});
