import type { DirectedGraphNode } from '@xstate/graph';
import { lazyPackage } from '../lazyPackage.ts';
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/**
 * The statechart of a machine as plain JSON, read from the machine definition itself so
 * the visualiser can never drift from the code. `toDirectedGraph` gives the event and
 * delayed (`after`) transitions; it leaves out the eventless `always` transitions
 * (STYLE.md section 2), which are added here from `stateNode.always`.
 */

export type GraphNodeType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface GraphNode {
  readonly id: string;
  readonly key: string;
  /** Id of the parent state node; null for the machine's root. */
  readonly parent: string | null;
  readonly type: GraphNodeType;
  /** True when this is its parent's initial state. */
  readonly initial: boolean;
}

export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  /** For a targetless transition (actions only, state unchanged) the target is the source. */
  readonly target: string;
  /** The event type as XState names it (`xstate.after.*` for delays, '' for always). */
  readonly event: string;
  /** Short human label: `TICK`, `done: placeEntry`, `after cooldown`, `always`. */
  readonly label: string;
  readonly guard: string | null;
  readonly eventless: boolean;
  readonly delayed: boolean;
  /** Name of the delay (`cooldown`) or its length in ms, for delayed transitions. */
  readonly delay: string | number | null;
  readonly targetless: boolean;
}

export interface MachineGraphData {
  readonly machineId: string;
  readonly root: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

interface GuardLike {
  readonly type?: unknown;
  readonly name?: unknown;
  readonly guards?: unknown;
  readonly check?: unknown;
}

/** Readable name of a guard: its string key, `and(a, b)` for higher-order guards, else the function name. */
export function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  const g = guard as GuardLike;
  if (typeof g.type === 'string') return g.type;
  if (typeof guard === 'function' && typeof g.check === 'function') {
    const parts = Array.isArray(g.guards) ? g.guards.map((inner) => guardName(inner) ?? '?') : [guardName(g.guards) ?? '?'];
    const op = typeof g.name === 'string' && g.name !== '' ? g.name : 'guard';
    return `${op}(${parts.join(', ')})`;
  }
  // Inline guard functions have no useful name (often 'guard'): say so instead of guessing.
  return typeof g.name === 'string' && g.name !== '' && g.name !== 'guard' ? g.name : 'inline guard';
}

/** `xstate.done.actor.placeEntry` -> `done: placeEntry`; `xstate.after.cooldown.strategy.cooldown` -> `after cooldown`. */
export function eventLabel(event: string, delay: string | number | null): string {
  if (event === '') return 'always';
  if (delay !== null) return typeof delay === 'number' ? `after ${delay} ms` : `after ${delay}`;
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(event);
  if (actor) return `${actor[1]}: ${actor[2]}`;
  return event;
}

function nodeType(node: AnyStateNode): GraphNodeType {
  return node.type as GraphNodeType;
}

function isInitial(node: AnyStateNode): boolean {
  const parent = node.parent;
  if (!parent) return false;
  return (parent.initial?.target ?? []).some((t: AnyStateNode) => t.id === node.id);
}

function edgeOf(id: string, source: string, transition: AnyTransitionDefinition, target: string | null): GraphEdge {
  const raw = transition as AnyTransitionDefinition & { delay?: string | number };
  const delay = raw.delay ?? null;
  const event = transition.eventType ?? '';
  return {
    id,
    source,
    target: target ?? source,
    event,
    label: eventLabel(event, delay),
    guard: guardName(transition.guard),
    eventless: event === '',
    delayed: delay !== null,
    delay,
    targetless: target === null,
  };
}

/** Loaded when a graph is first drawn (the first /viz request), not at start. */
const xstateGraph = lazyPackage<typeof import('@xstate/graph')>('@xstate/graph');

export function machineGraph(machine: AnyStateMachine): MachineGraphData {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const visit = (graphNode: DirectedGraphNode): void => {
    const stateNode = graphNode.stateNode;
    nodes.push({ id: stateNode.id, key: stateNode.key, parent: stateNode.parent?.id ?? null, type: nodeType(stateNode), initial: isInitial(stateNode) });
    for (const edge of graphNode.edges) {
      const hasTarget = (edge.transition.target ?? []).length > 0;
      edges.push(edgeOf(edge.id, edge.source.id, edge.transition, hasTarget ? edge.target.id : null));
    }
    (stateNode.always ?? []).forEach((transition: AnyTransitionDefinition, i: number) => {
      const targets = transition.target ?? [];
      if (targets.length === 0) edges.push(edgeOf(`${stateNode.id}:always:${i}`, stateNode.id, transition, null));
      targets.forEach((target: AnyStateNode, j: number) => edges.push(edgeOf(`${stateNode.id}:always:${i}:${j}`, stateNode.id, transition, target.id)));
    });
    for (const child of graphNode.children) visit(child);
  };
  visit(xstateGraph().toDirectedGraph(machine));
  return { machineId: machine.id, root: machine.root.id, nodes, edges };
}
