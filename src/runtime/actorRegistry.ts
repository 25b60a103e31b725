import type { StrategyContext, StrategyStateName } from '../../machines/strategy.types.ts';
import type { ActorStateSample } from '../observability/metrics.ts';

/** How many transitions are kept per actor for /actors/:id and the visualiser. */
export const TRANSITION_HISTORY = 50;

export interface TransitionRecord {
  /** Simulated/exchange time (UTC ms) of the transition. */
  readonly at: number;
  readonly from: string;
  readonly to: string;
  /** Type of the event that caused it. */
  readonly event: string;
  readonly correlationId: string;
}

export interface ActorEntry {
  readonly actorId: string;
  readonly symbol: string;
  readonly presetId: string;
  readonly strategyType: string;
  state: StrategyStateName;
  /** 'active' while the actor runs; 'stopped' once its supervisor stopped it. */
  status: 'active' | 'stopped' | 'error';
  context: StrategyContext;
  enteredAt: number;
  transitions: TransitionRecord[];
  /** Wall-clock duration of the last finished iteration, ms (exchange reads and the order round trip included). */
  lastCycleMs: number | null;
  /**
   * The strategy's own time in its last iteration, ms: from its market data arriving to its
   * decision (validate, signal, size). What the latency alert and the dashboard watch: the
   * exchange's share of a cycle is the API latency, with its own metrics and alerts.
   */
  lastDecisionMs: number | null;
  /** Iterations that reached a decision so far (the stats take a figure when it moves). */
  decisions: number;
}

/**
 * Read model of every strategy actor, fed by the inspection observer. HTTP handlers and
 * the visualiser read from here instead of walking live actors, so a slow client can
 * never block the actor system.
 */
export class ActorRegistry {
  private readonly entries = new Map<string, ActorEntry>();
  private readonly listeners = new Set<(entry: ActorEntry, transition: TransitionRecord | null) => void>();

  get(actorId: string): ActorEntry | undefined {
    return this.entries.get(actorId);
  }

  list(): ActorEntry[] {
    return [...this.entries.values()].sort((a, b) => a.actorId.localeCompare(b.actorId));
  }

  /** Every actor's labels and state, as bybot_actor_state shows them (read at each scrape). */
  *stateSamples(): Iterable<ActorStateSample> {
    for (const entry of this.entries.values()) yield { actor: entry.actorId, symbol: entry.symbol, strategy: entry.presetId, state: entry.state };
  }

  size(): number {
    return this.entries.size;
  }

  /** Forgets an actor (removed from the configuration by a reload, once stopped). */
  remove(actorId: string): void {
    this.entries.delete(actorId);
  }

  /** Called with every change; returns an unsubscribe function. */
  onChange(listener: (entry: ActorEntry, transition: TransitionRecord | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(
    actorId: string,
    context: StrategyContext,
    state: StrategyStateName,
    status: ActorEntry['status'],
    transition: TransitionRecord | null,
    lastCycleMs: number | null,
    lastDecisionMs: number | null = null,
  ): ActorEntry {
    let entry = this.entries.get(actorId);
    if (!entry) {
      entry = {
        actorId,
        symbol: context.symbol,
        presetId: context.presetId,
        strategyType: context.strategyType,
        state,
        status,
        context,
        enteredAt: transition?.at ?? context.settings.startedAt,
        transitions: [],
        lastCycleMs: null,
        lastDecisionMs: null,
        decisions: 0,
      };
      this.entries.set(actorId, entry);
    }
    entry.context = context;
    entry.state = state;
    entry.status = status;
    if (lastCycleMs !== null) entry.lastCycleMs = lastCycleMs;
    if (lastDecisionMs !== null) {
      entry.lastDecisionMs = lastDecisionMs;
      entry.decisions++;
    }
    if (transition) {
      entry.enteredAt = transition.at;
      entry.transitions.push(transition);
      // Trimmed in batches (amortised O(1) per transition); readers take the last TRANSITION_HISTORY.
      if (entry.transitions.length >= 2 * TRANSITION_HISTORY) entry.transitions.splice(0, entry.transitions.length - TRANSITION_HISTORY);
    }
    for (const listener of this.listeners) listener(entry, transition);
    return entry;
  }
}
