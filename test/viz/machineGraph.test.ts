import { describe, expect, it } from 'vitest';
import type { AnyStateNode } from 'xstate';
import { STRATEGY_STATES } from '../../machines/strategy.types.ts';
import { createStrategyMachine } from '../../machines/strategy.machine.ts';
import { MACHINE_NAMES, machineGraphOf } from '../../src/viz/machineCatalog.ts';
import { eventLabel, guardName } from '../../src/viz/machineGraph.ts';

/** Every transition the machine definition declares: event ones (incl. after) plus always. */
function declaredTransitions(node: AnyStateNode): number {
  let count = 0;
  for (const list of node.transitions.values()) for (const t of list) count += Math.max(1, (t.target ?? []).length);
  for (const t of node.always ?? []) count += Math.max(1, (t.target ?? []).length);
  for (const child of Object.values(node.states) as AnyStateNode[]) count += declaredTransitions(child);
  return count;
}

describe('machine graphs for the visualiser', () => {
  it('draws every state of the strategy machine, with the eventless and delayed transitions', async () => {
    const g = await machineGraphOf('strategy');
    expect(g.nodes.filter((n) => n.parent !== null).map((n) => n.key).sort()).toEqual([...STRATEGY_STATES].sort());
    expect(g.nodes.find((n) => n.key === 'idle')?.initial).toBe(true);
    const edge = (from: string, to: string) => g.edges.filter((e) => e.source === `strategy.${from}` && e.target === `strategy.${to}`);
    expect(edge('idle', 'fetching')).toMatchObject([{ event: 'TICK', label: 'TICK', eventless: false, delayed: false, guard: null }]);
    expect(edge('validating', 'signalling')).toMatchObject([{ eventless: true, label: 'always', guard: null }]);
    expect(edge('signalling', 'ordering')).toMatchObject([{ eventless: true, guard: 'hasEntry' }]);
    expect(edge('validating', 'broken')).toMatchObject([{ eventless: true, guard: 'and(stepFailed, failureOpensBreaker)' }]);
    expect(edge('cooldown', 'idle')).toMatchObject([{ delayed: true, delay: 'cooldown', label: 'after cooldown' }]);
    expect(edge('broken', 'fetching')).toMatchObject([{ delayed: true, delay: 'breakerOpen' }]);
    expect(edge('fetching', 'broken')).toMatchObject([{ label: 'MARKET_FAILED', guard: 'failureOpensBreaker' }]);
  });

  it('cannot drift from the code: as many edges as the definition declares transitions', async () => {
    const machine = createStrategyMachine({ now: () => 0, resolveStrategy: () => undefined });
    expect((await machineGraphOf('strategy')).edges).toHaveLength(declaredTransitions(machine.root));
  });

  it('builds all three machines, with targetless transitions flagged as self-loops', async () => {
    for (const name of MACHINE_NAMES) {
      const g = await machineGraphOf(name);
      expect(g.nodes.length).toBeGreaterThan(1);
      const ids = new Set(g.nodes.map((n) => n.id));
      for (const e of g.edges) {
        expect(ids.has(e.source)).toBe(true);
        expect(ids.has(e.target)).toBe(true);
        if (e.targetless) expect(e.target).toBe(e.source);
      }
    }
    const system = await machineGraphOf('systemSupervisor');
    expect(system.nodes.map((n) => n.key)).toEqual(expect.arrayContaining(['running', 'emergencyStop', 'halted', 'stopping', 'stopped']));
    expect(system.nodes.find((n) => n.key === 'stopped')?.type).toBe('final');
    const symbol = await machineGraphOf('symbolSupervisor');
    expect(symbol.edges.some((e) => e.targetless && e.event === 'BREAKER_TRIPPED' && e.guard === 'tripsExceeded')).toBe(true);
  });

  it('lays out states in non-overlapping boxes, the initial state in the first layer', async () => {
    for (const name of MACHINE_NAMES) {
      const g = await machineGraphOf(name);
      const boxes = Object.entries(g.layout.boxes);
      expect(boxes).toHaveLength(g.nodes.length - 1);
      for (const [i, [, a]] of boxes.entries()) {
        expect(a.x + a.width).toBeLessThanOrEqual(g.layout.width);
        expect(a.y + a.height).toBeLessThanOrEqual(g.layout.height);
        for (const [, b] of boxes.slice(i + 1)) {
          const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
          expect(apart).toBe(true);
        }
      }
      const initial = g.nodes.find((n) => n.initial && n.parent === g.root)!;
      expect(g.layout.boxes[initial.id]?.layer).toBe(0);
    }
  });

  it('names guards and events readably', () => {
    expect(guardName(undefined)).toBeNull();
    expect(guardName('hasEntry')).toBe('hasEntry');
    expect(guardName({ type: 'isChildCrash' })).toBe('isChildCrash');
    expect(guardName(function guard() { return true; })).toBe('inline guard');
    expect(eventLabel('xstate.error.actor.placeEntry', null)).toBe('error: placeEntry');
    expect(eventLabel('', null)).toBe('always');
    expect(eventLabel('xstate.after.1000.x', 1000)).toBe('after 1000 ms');
  });
});
