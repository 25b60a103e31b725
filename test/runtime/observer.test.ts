import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createStrategyMachine } from '../../machines/strategy.machine.ts';
import type { MarketSnapshot, MarketSource } from '../../machines/strategy.types.ts';
import { ManualClock, flushAsync } from '../../src/clock/manualClock.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { ActorRegistry } from '../../src/runtime/actorRegistry.ts';
import { RuntimeObserver } from '../../src/runtime/observer.ts';
import { TradingGate } from '../../src/runtime/tradingGate.ts';
import { market } from '../support/marketFixtures.ts';
import { T0, actorInput, resolveStrategy } from '../support/strategyHarness.ts';

/**
 * The observer times each decision from the arrival of the event that started it. The
 * breaker's half-open attempt starts on the breaker's timer, not on a TICK, and with the
 * answer in memory it decides in that same step: its signal and risk lines must still carry
 * a durationMs (they had null, which logHygiene caught when a run's faults opened a breaker).
 */
describe('RuntimeObserver decision timing', () => {
  it('times the decision of a half-open attempt answered from memory', async () => {
    // XState's timers (cooldown, breaker) run on the same clock, as in the runtime.
    const clock = new ManualClock(T0);
    let memory: MarketSnapshot | null = null;
    const source: MarketSource = {
      answerFromMemory: () => memory,
      request: (actor) => actor.send({ type: 'MARKET_FAILED', error: new Error('venue down') }),
      cancel: () => undefined,
    };
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'debug', pretty: 'never', destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
    const registry = new ActorRegistry();
    const observer = new RuntimeObserver({ registry, logger, metrics: createMetrics(), clock, gate: new TradingGate() });
    const machine = createStrategyMachine({ now: () => clock.now(), resolveStrategy, market: source });
    const actor = createActor(machine, { id: actorInput.actorId, input: actorInput, clock, inspect: observer.inspect });
    actor.start();

    // Three failed iterations open the breaker (failureThreshold 3).
    for (let i = 0; i < 3; i++) {
      actor.send({ type: 'TICK' });
      await flushAsync();
      if (i < 2) await clock.advanceBy(actorInput.cooldownMs);
    }
    expect(actor.getSnapshot().value).toBe('broken');

    memory = market('long', T0 + 2 * actorInput.cooldownMs + actorInput.breaker.openMs);
    await clock.advanceBy(actorInput.breaker.openMs);
    await flushAsync();

    const signal = lines.find((l) => l.event === 'signal');
    const risk = lines.find((l) => l.event === 'risk_decision');
    expect(signal, 'the half-open attempt made a signal').toBeDefined();
    expect(typeof signal!.durationMs).toBe('number');
    expect(typeof risk?.durationMs).toBe('number');
    expect(registry.get(actorInput.actorId)!.lastDecisionMs).not.toBeNull();
    actor.stop();
  });
});
