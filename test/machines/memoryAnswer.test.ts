import { createActor, type InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createStrategyMachine } from '../../machines/strategy.machine.ts';
import type { FetchMarketInput, MarketSnapshot, MarketSource } from '../../machines/strategy.types.ts';
import { market } from '../support/marketFixtures.ts';
import { T0, actorInput, resolveStrategy } from '../support/strategyHarness.ts';

/**
 * A market answer the source holds in memory is raised inside the TICK's own macrostep: the
 * actor goes idle -> fetching -> validating -> signalling -> cooldown and observers get one
 * snapshot for the whole cycle. Without it the answer came back as a second event (a second
 * macrostep, a second snapshot to every observer), once per actor and candle.
 */
function setup(fromMemory: (input: FetchMarketInput) => MarketSnapshot | null) {
  const requested: FetchMarketInput[] = [];
  const source: MarketSource = {
    request: (_actor, input) => void requested.push(input),
    answerFromMemory: fromMemory,
    cancel: () => undefined,
  };
  const machine = createStrategyMachine({ now: () => T0, resolveStrategy, market: source });
  const snapshots: string[] = [];
  const actor = createActor(machine, {
    input: actorInput,
    inspect: (e: InspectionEvent) => {
      if (e.type === '@xstate.snapshot' && e.actorRef === actor) snapshots.push(`${e.event.type}:${String((e.snapshot as unknown as { value: unknown }).value)}`);
    },
  });
  actor.start();
  snapshots.length = 0;
  return { actor, requested, snapshots };
}

describe('market answer from memory', () => {
  it('runs the whole cycle in the TICK macrostep and never asks over REST', () => {
    const asked: FetchMarketInput[] = [];
    const { actor, requested, snapshots } = setup((input) => {
      asked.push(input);
      return market('none', T0);
    });
    actor.send({ type: 'TICK' });
    expect(actor.getSnapshot().value).toBe('cooldown');
    expect(snapshots).toEqual(['TICK:cooldown']);
    expect(requested).toEqual([]);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.correlationId).toBe(actor.getSnapshot().context.correlationId);
    expect(actor.getSnapshot().context.counters).toMatchObject({ iterations: 1, succeeded: 1, failed: 0 });
  });

  it('an entry signal reaches ordering in the same macrostep', () => {
    const { actor, snapshots } = setup(() => market('long', T0));
    actor.send({ type: 'TICK' });
    expect(actor.getSnapshot().value).toBe('ordering');
    expect(snapshots).toEqual(['TICK:ordering']);
  });

  it('without an answer in memory the actor waits in fetching for the request', () => {
    const { actor, requested, snapshots } = setup(() => null);
    actor.send({ type: 'TICK' });
    expect(actor.getSnapshot().value).toBe('fetching');
    expect(snapshots).toEqual(['TICK:fetching']);
    expect(requested).toHaveLength(1);
    actor.send({ type: 'MARKET', market: market('none', T0) });
    expect(actor.getSnapshot().value).toBe('cooldown');
  });
});
