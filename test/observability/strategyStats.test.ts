import { describe, expect, it } from 'vitest';
import { initialStrategyContext } from '../../machines/strategy.steps.ts';
import { ActorRegistry } from '../../src/runtime/actorRegistry.ts';
import { StrategyStats } from '../../src/observability/strategyStats.ts';
import { actorInput, T0 } from '../support/strategyHarness.ts';

/**
 * The strategy latency the alert rule and the dashboard watch is the strategy's own time per
 * iteration (data in hand to decision), one figure per iteration that decided: a cycle whose
 * wall time was mostly the exchange (a REST warm-up, an order round trip) does not count as
 * strategy latency.
 */
describe('strategy latency figures', () => {
  it('take one decision time per iteration, not the cycle wall time', () => {
    const registry = new ActorRegistry();
    const stats = new StrategyStats(100);
    stats.follow(registry);
    const context = initialStrategyContext(actorInput, T0);
    const id = 'BTCUSDT:test';
    const at = (n: number) => ({ at: T0 + n, from: 'x', to: 'y', event: 'E', correlationId: 'c' });
    registry.update(id, context, 'idle', 'active', null, null);
    for (let i = 0; i < 10; i++) {
      registry.update(id, context, 'fetching', 'active', { ...at(i), to: 'fetching' }, null);
      // The MARKET event's macrostep: the decision took 1 + i ms.
      registry.update(id, context, 'ordering', 'active', { ...at(i), to: 'ordering' }, null, 1 + i);
      // The order round trip ends the cycle: 400 ms of wall time, no new decision.
      registry.update(id, context, 'cooldown', 'active', { ...at(i), to: 'cooldown' }, 400, null);
    }
    const [summary] = stats.latencies();
    expect(summary).toMatchObject({ strategy: context.presetId, samples: 10, p50Ms: 5.5 });
    expect(summary!.p99Ms).toBeLessThanOrEqual(10);
    expect(registry.get(id)).toMatchObject({ lastCycleMs: 400, lastDecisionMs: 10, decisions: 10 });
  });
});
