import { afterAll, describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, AnyStateMachine, InspectionEvent } from 'xstate';
import { toDirectedGraph, type DirectedGraphNode } from '@xstate/graph';
import { STRATEGY_STATES, type MarketSnapshot, type PlacedOrder } from '../../machines/strategy.types.ts';
import { createStrategyHarness, actorInput, type StrategyHarness } from '../support/strategyHarness.ts';
import { abstractState, createModel, eventKey, modelMachine, type ModelEvent } from './strategyModel.ts';

/**
 * Model-based tests: every path @xstate/graph finds through the strategy machine (one per
 * reachable (state, event) pair) is replayed against the real actor, with controllable I/O
 * actors and a ManualClock. A coverage test then checks that the replays took every state
 * and every transition the machine defines, including the eventless ones the graph omits.
 */

interface TransitionLike {
  readonly source: { readonly id: string; readonly always?: readonly unknown[]; readonly transitions: ReadonlyMap<string, readonly unknown[]> };
  readonly target?: readonly { readonly id: string }[];
  readonly eventType: string;
}

/** Stable name of a transition: source, event, which candidate of the source it is, target. */
function transitionKey(t: TransitionLike): string {
  const always = t.source.always ?? [];
  const alwaysIndex = always.indexOf(t);
  const candidates = alwaysIndex >= 0 ? always : (t.source.transitions.get(t.eventType) ?? []);
  const index = candidates.indexOf(t);
  const event = alwaysIndex >= 0 ? '(always)' : t.eventType;
  return `${t.source.id} --${event}#${index}--> ${(t.target ?? []).map((n) => n.id).join(',') || '(self)'}`;
}

/** Every transition the machine defines: the graph's edges plus the `always` ones it leaves out. */
function definedTransitions(machine: AnyStateMachine): Set<string> {
  const keys = new Set<string>();
  const visit = (node: DirectedGraphNode): void => {
    for (const edge of node.edges) keys.add(transitionKey(edge.transition as unknown as TransitionLike));
    for (const t of (node.stateNode.always ?? []) as unknown as TransitionLike[]) keys.add(transitionKey(t));
    node.children.forEach(visit);
  };
  visit(toDirectedGraph(machine));
  return keys;
}

const takenTransitions = new Set<string>();
const visitedStates = new Set<string>();

function recordCoverage(inspections: readonly InspectionEvent[]): void {
  for (const e of inspections) {
    if (e.type !== '@xstate.microstep') continue;
    visitedStates.add(String((e.snapshot as AnyMachineSnapshot).value));
    for (const t of (e as unknown as { _transitions: TransitionLike[] })._transitions) takenTransitions.add(transitionKey(t));
  }
}

const model = createModel();
const paths = model.getShortestPaths({ limit: 100_000 } as never);

describe('strategy machine: generated paths replayed against the real actor', () => {
  it('the graph yields a non-trivial set of paths', () => {
    expect(paths.length).toBeGreaterThanOrEqual(30);
  });

  for (const path of paths) {
    const name = path.steps.map((s) => eventKey(s.event as ModelEvent)).join(' > ');
    it(`${name} => ${JSON.stringify(path.state.value)}`, async () => {
      const h: StrategyHarness = createStrategyHarness();
      try {
        await path.test({
          events: {
            TICK: () => {
              h.actor.send({ type: 'TICK' });
            },
            MARKET: ({ event }: { event: ModelEvent }) => h.resolveFetch(event.market as MarketSnapshot),
            MARKET_FAILED: ({ event }: { event: ModelEvent }) => h.rejectFetch(event.error),
            'xstate.done.actor.placeEntry': ({ event }: { event: ModelEvent }) => h.resolveEntry(event.output as PlacedOrder),
            'xstate.error.actor.placeEntry': ({ event }: { event: ModelEvent }) => h.rejectEntry(event.error),
            'xstate.after.cooldown.strategy.cooldown': () => h.clock.advanceBy(actorInput.cooldownMs),
            'xstate.after.breakerOpen.strategy.broken': () => h.clock.advanceBy(actorInput.breaker.openMs),
          } as never,
          states: {
            '*': (expected: AnyMachineSnapshot) => {
              const actual = h.actor.getSnapshot();
              expect(actual.value).toEqual(expected.value);
              expect(abstractState(actual)).toEqual(abstractState(expected));
            },
            ordering: () => {
              const entry = h.placed[h.placed.length - 1];
              expect(entry?.orderLinkId).toMatch(/^bb1-/);
              expect(entry?.entry.qty).toBeGreaterThan(0);
              expect(h.entries).toHaveLength(1);
            },
            fetching: () => expect(h.fetches).toHaveLength(1),
            broken: () => {
              expect(h.context().breaker.status).toBe('open');
              expect(h.fetches).toHaveLength(0);
            },
            cooldown: () => expect(h.context().pendingEntry).toBeNull(),
          } as never,
        });
      } finally {
        recordCoverage(h.inspections);
        h.actor.stop();
      }
    });
  }
});

describe('strategy machine coverage', () => {
  const defined = definedTransitions(modelMachine as unknown as AnyStateMachine);

  it('defines exactly the states of the design card', () => {
    expect(Object.keys(modelMachine.root.states).sort()).toEqual([...STRATEGY_STATES].sort());
  });

  it('every state and every transition was taken by the replayed paths', () => {
    const missingStates = STRATEGY_STATES.filter((s) => !visitedStates.has(s));
    const missingTransitions = [...defined].filter((k) => !takenTransitions.has(k));
    // eslint-disable-next-line no-console
    console.log(
      JSON.stringify({
        coverage: {
          states: `${STRATEGY_STATES.length - missingStates.length}/${STRATEGY_STATES.length}`,
          transitions: `${defined.size - missingTransitions.length}/${defined.size}`,
          paths: paths.length,
        },
      }),
    );
    expect(missingStates).toEqual([]);
    expect(missingTransitions).toEqual([]);
    expect(defined.size).toBeGreaterThanOrEqual(15);
  });

  afterAll(() => {
    takenTransitions.clear();
    visitedStates.clear();
  });
});
