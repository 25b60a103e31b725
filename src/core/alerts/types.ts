/**
 * The alert engine's vocabulary (GitHub issue 11). Pure data: sources turn what they see
 * into observations, the engine turns observations into alert state changes, and the
 * edge (src/alerts) logs, journals and routes the changes. No I/O and no clock here.
 */

/** P1 critical (act now), P2 warning (look soon), P3 information. */
export type Priority = 'P1' | 'P2' | 'P3';

export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { P1: 1, P2: 2, P3: 3 };

/** The more severe of two priorities. */
export function mostSevere(a: Priority, b: Priority): Priority {
  return PRIORITY_RANK[a] <= PRIORITY_RANK[b] ? a : b;
}

interface AlertIdentity {
  /** Dedup key: every observation with the same key is the same alert (e.g. `channel:rest:dns`). */
  readonly key: string;
  readonly priority: Priority;
  /** What produced it: channel, escalation, process, strategy, data, account, exchange, config, reconcile. */
  readonly source: string;
  /** Short, stable description (the first line of a message). */
  readonly title: string;
  /** Latest detail (changes between occurrences, e.g. the current value). */
  readonly message: string;
}

/** Something happened (a DNS failure, an escalation): raises the alert or counts one more occurrence. */
export interface EventObservation extends AlertIdentity {
  readonly kind: 'event';
  /** Information that is complete when it is sent (a config reload): raised once, never "resolved". */
  readonly oneShot?: boolean;
}

/** A sampled condition (RSS above the threshold): firing while breached, resolved once it is not. */
export interface LevelObservation extends AlertIdentity {
  readonly kind: 'level';
  readonly breached: boolean;
  /** The condition must hold this long before the alert is raised (Prometheus `for:`). */
  readonly forMs?: number;
}

/** The cause went away (the endpoint answers again, an operator resumed): resolves matching event alerts. */
export interface RecoveryObservation {
  readonly kind: 'recovery';
  /** Active alerts whose key equals or starts with one of these are resolved. */
  readonly keyPrefixes: readonly string[];
  readonly message: string;
}

export type Observation = EventObservation | LevelObservation | RecoveryObservation;

export interface EngineSettings {
  /** A firing alert is notified again (with its count) at most this often. */
  readonly repeatEveryMs: number;
  /** An event alert resolves after this long without a new occurrence. */
  readonly resolveAfterMs: number;
}

/** An alert as it is shown, journaled and delivered. */
export interface AlertSnapshot {
  readonly key: string;
  readonly priority: Priority;
  readonly source: string;
  readonly title: string;
  readonly message: string;
  readonly kind: 'event' | 'level';
  /** Occurrences (events) or breached samples (levels) since it was raised. */
  readonly count: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly resolvedAt: number | null;
}

export interface ActiveAlert extends AlertSnapshot {
  readonly lastNotifiedAt: number;
  /** `count` when it was last notified: a repeat says how many came since. */
  readonly notifiedCount: number;
}

export interface AlertEngineState {
  readonly active: Readonly<Record<string, ActiveAlert>>;
  /** Level conditions breached but not yet for `forMs`: key -> since. */
  readonly pending: Readonly<Record<string, number>>;
}

export const EMPTY_ALERT_STATE: AlertEngineState = { active: {}, pending: {} };

export type AlertChangeType = 'raised' | 'repeated' | 'resolved';

export interface AlertChange {
  readonly type: AlertChangeType;
  readonly at: number;
  readonly alert: AlertSnapshot;
  /** Why it resolved (recovery message, "no new occurrence for 5m", "back under the threshold"). */
  readonly note: string;
  /** For repeats: occurrences since the previous notification. */
  readonly newOccurrences: number;
}

export interface EvaluationResult {
  readonly state: AlertEngineState;
  readonly changes: readonly AlertChange[];
}
