import { TRANSITION_HISTORY, type ActorEntry } from '../../runtime/actorRegistry.ts';
import type { SystemSnapshot } from '../../runtime/createRuntime.ts';
import { SYMBOL_PREFIX } from '../../../supervisors/system.supervisor.ts';
import type { DisabledEntry } from '../../../supervisors/escalation.ts';
import { actorSummary, iso } from '../views.ts';

/**
 * The lean rows pushed over the visualiser's WebSocket. They carry only what the actor
 * tree shows and filters on, so a batch for 2,000 actors stays small; the full detail
 * (context, signal factors, transitions) is fetched from /actors/:id on click.
 */

export interface VizActorRow {
  readonly id: string;
  readonly symbol: string;
  readonly strategy: string;
  readonly strategyType: string;
  readonly state: string;
  readonly status: string;
  readonly stateSince: string | null;
  readonly breaker: { readonly status: string; readonly consecutiveFailures: number; readonly failureThreshold: number; readonly trips: number };
  readonly failures: { readonly consecutive: number; readonly total: number; readonly skipped: number };
  readonly lastError: { readonly code: string; readonly message: string; readonly at: string | null } | null;
  readonly disabled: { readonly code: string; readonly reason: string } | null;
  /** Transitions kept for /actors/:id (at most 50): the page shows it next to the state. */
  readonly transitions: number;
}

export function vizActorRow(entry: ActorEntry, disabled: DisabledEntry | undefined, halted: boolean): VizActorRow {
  const s = actorSummary(entry, disabled, halted);
  return {
    id: s.id,
    symbol: s.symbol,
    strategy: s.strategy,
    strategyType: s.strategyType,
    state: s.state,
    status: s.status,
    stateSince: s.stateSince,
    breaker: { status: s.breaker.status, consecutiveFailures: s.breaker.consecutiveFailures, failureThreshold: s.breaker.failureThreshold, trips: s.breaker.trips },
    failures: { consecutive: s.failures.consecutive, total: s.failures.total, skipped: s.failures.skipped },
    lastError: s.lastError ? { code: s.lastError.code, message: s.lastError.message, at: s.lastError.at } : null,
    disabled: disabled ? { code: disabled.code, reason: disabled.reason } : null,
    transitions: Math.min(entry.transitions.length, TRANSITION_HISTORY),
  };
}

export interface VizSymbolNode {
  readonly symbol: string;
  /** State of the symbol supervisor: running, escalated, or stopped when the system stopped it. */
  readonly state: string;
  readonly escalated: { readonly reason: string; readonly at: string | null } | null;
}

export interface VizTree {
  readonly system: { readonly state: string; readonly status: string; readonly tradingState: string; readonly halt: { readonly reason: string; readonly code: string; readonly at: string | null } | null };
  readonly symbols: readonly VizSymbolNode[];
}

interface ChildLike {
  getSnapshot(): { readonly value: unknown; readonly status: string };
}

/** The upper part of the actor tree (system -> symbol supervisors), read from the root snapshot. */
export function vizTree(snapshot: SystemSnapshot): VizTree {
  const c = snapshot.context;
  const children = snapshot.children as unknown as Record<string, ChildLike | undefined>;
  return {
    system: {
      state: String(snapshot.value),
      status: snapshot.status,
      tradingState: c.tradingState,
      halt: c.halt ? { reason: c.halt.reason, code: c.halt.code, at: iso(c.halt.at) } : null,
    },
    symbols: c.symbols.map((spec) => {
      const child = children[`${SYMBOL_PREFIX}${spec.symbol}`]?.getSnapshot();
      const escalated = c.escalatedSymbols[spec.symbol];
      const state = child && child.status !== 'stopped' ? String(child.value) : escalated ? 'escalated' : 'stopped';
      return { symbol: spec.symbol, state, escalated: escalated ? { reason: escalated.reason, at: iso(escalated.at) } : null };
    }),
  };
}
