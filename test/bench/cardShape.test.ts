import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { createStrategyMachine } from '../../machines/strategy.machine.ts';
import { cardShapeCostUs, cardShapeMachine } from '../../bench/support/cardShape.ts';

/** A transition as the shape sees it: where it goes, whether and how it is guarded, how many actions. */
interface TransitionLike {
  readonly target?: readonly { readonly key: string }[];
  readonly guard?: unknown;
  readonly actions: readonly unknown[];
  readonly eventType: string;
}
interface StateNodeLike {
  readonly entry: readonly unknown[];
  readonly exit: readonly unknown[];
  readonly invoke: readonly { readonly src: unknown }[];
  readonly always?: readonly TransitionLike[];
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
}

const guardOf = (guard: unknown): string => {
  if (guard === undefined) return '-';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const g = guard as { guards?: unknown[] };
    return g.guards ? `and(${g.guards.map(guardOf).join(',')})` : 'fn';
  }
  return (guard as { type?: string }).type ?? '?';
};
const transitionOf = (t: TransitionLike): string => `${(t.target ?? []).map((s) => s.key).join('|') || '(none)'} if ${guardOf(t.guard)} x${t.actions.length}`;

/** The states, their transitions (every event, eventless and delayed), entry/exit action counts and invoked sources. */
function shapeOf(machine: AnyStateMachine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(machine.root.states as Record<string, StateNodeLike>)) {
    const on: Record<string, string[]> = {};
    for (const [event, list] of node.transitions) on[event] = list.map(transitionOf);
    out[key] = {
      entry: node.entry.length,
      exit: node.exit.length,
      invoke: node.invoke.map((i) => String(i.src)),
      always: (node.always ?? []).map(transitionOf),
      on,
    };
  }
  return out;
}

describe('bench/support/cardShape.ts (the XState floor of the strategy card)', () => {
  it('has the shape of the real strategy machine: states, transitions, guards, delays, actions', () => {
    const real = createStrategyMachine({ now: () => 0, resolveStrategy: () => undefined });
    const shape = shapeOf(cardShapeMachine());
    expect(shape).toEqual(shapeOf(real));
    expect(Object.keys(shape)).toEqual(['idle', 'fetching', 'validating', 'signalling', 'ordering', 'cooldown', 'broken']);
  });

  it('runs whole cycles: every close takes each actor idle -> ... -> cooldown -> idle', () => {
    // cardShapeCostUs throws when an actor did not end a close in idle.
    expect(cardShapeCostUs(3, 50, 5)).toBeGreaterThan(0);
  });
});
