import { humanDuration } from './duration.ts';
import {
  PRIORITY_RANK,
  mostSevere,
  type ActiveAlert,
  type AlertChange,
  type AlertEngineState,
  type AlertSnapshot,
  type EngineSettings,
  type EvaluationResult,
  type EventObservation,
  type LevelObservation,
  type Observation,
  type RecoveryObservation,
} from './types.ts';

/**
 * The alert engine: (state, observations, now) -> (state, changes), pure and total.
 *
 * - Dedup: one alert per key; more occurrences raise its count instead of new alerts.
 * - Throttling: while it fires, an alert is notified again at most every `repeatEveryMs`,
 *   and an event alert only when new occurrences came (the repeat carries their count).
 * - Resolution: a level alert when its condition is no longer breached; an event alert on
 *   a matching recovery or after `resolveAfterMs` without a new occurrence. The change says
 *   how long it fired ("resolved after 3m").
 * - A more severe occurrence upgrades the alert's priority and is notified at once.
 */

function snapshot(alert: ActiveAlert, resolvedAt: number | null = null): AlertSnapshot {
  return {
    key: alert.key,
    priority: alert.priority,
    source: alert.source,
    title: alert.title,
    message: alert.message,
    kind: alert.kind,
    count: alert.count,
    firstAt: alert.firstAt,
    lastAt: alert.lastAt,
    resolvedAt,
  };
}

class Evaluation {
  readonly active: Record<string, ActiveAlert>;
  readonly pending: Record<string, number>;
  readonly changes: AlertChange[] = [];

  constructor(
    state: AlertEngineState,
    readonly now: number,
    readonly settings: EngineSettings,
  ) {
    this.active = { ...state.active };
    this.pending = { ...state.pending };
  }

  private raise(o: EventObservation | LevelObservation, kind: 'event' | 'level'): void {
    const alert: ActiveAlert = {
      key: o.key,
      priority: o.priority,
      source: o.source,
      title: o.title,
      message: o.message,
      kind,
      count: 1,
      firstAt: this.now,
      lastAt: this.now,
      resolvedAt: null,
      lastNotifiedAt: this.now,
      notifiedCount: 1,
    };
    if (kind === 'event' && (o as EventObservation).oneShot) {
      this.changes.push({ type: 'raised', at: this.now, alert: snapshot(alert, this.now), note: '', newOccurrences: 1 });
      return;
    }
    this.active[o.key] = alert;
    this.changes.push({ type: 'raised', at: this.now, alert: snapshot(alert), note: '', newOccurrences: 1 });
  }

  /** Counts one more occurrence or breached sample; notifies when due (or when the priority rose). */
  private again(current: ActiveAlert, o: EventObservation | LevelObservation): void {
    const priority = mostSevere(current.priority, o.priority);
    const upgraded = PRIORITY_RANK[priority] < PRIORITY_RANK[current.priority];
    let next: ActiveAlert = { ...current, priority, message: o.message, title: o.title, count: current.count + 1, lastAt: this.now };
    const due = this.now - current.lastNotifiedAt >= this.settings.repeatEveryMs;
    if (upgraded || due) {
      const newOccurrences = next.count - current.notifiedCount;
      next = { ...next, lastNotifiedAt: this.now, notifiedCount: next.count };
      this.changes.push({ type: 'repeated', at: this.now, alert: snapshot(next), note: upgraded ? `priority raised to ${priority}` : '', newOccurrences });
    }
    this.active[o.key] = next;
  }

  resolve(key: string, note: string): void {
    const alert = this.active[key];
    if (!alert) return;
    delete this.active[key];
    const done = { ...alert, resolvedAt: this.now };
    this.changes.push({ type: 'resolved', at: this.now, alert: snapshot(done, this.now), note: `resolved after ${humanDuration(this.now - alert.firstAt)}${note ? `: ${note}` : ''}`, newOccurrences: 0 });
  }

  event(o: EventObservation): void {
    const current = this.active[o.key];
    if (current) this.again(current, o);
    else this.raise(o, 'event');
  }

  level(o: LevelObservation): void {
    const current = this.active[o.key];
    if (!o.breached) {
      delete this.pending[o.key];
      if (current && current.kind === 'level') this.resolve(o.key, o.message);
      return;
    }
    if (current) {
      // A due repeat of a level alert is a reminder that it still fires.
      this.again(current, o);
      return;
    }
    const since = this.pending[o.key] ?? this.now;
    if (this.now - since >= (o.forMs ?? 0)) {
      delete this.pending[o.key];
      this.raise(o, 'level');
    } else {
      this.pending[o.key] = since;
    }
  }

  recovery(o: RecoveryObservation): void {
    for (const key of Object.keys(this.active).sort()) {
      if (this.active[key]!.kind !== 'event') continue;
      if (o.keyPrefixes.some((prefix) => key === prefix || key.startsWith(prefix))) this.resolve(key, o.message);
    }
  }

  /** Event alerts quiet for resolveAfterMs resolve by themselves. */
  expire(): void {
    for (const key of Object.keys(this.active).sort()) {
      const alert = this.active[key]!;
      if (alert.kind === 'event' && this.now - alert.lastAt >= this.settings.resolveAfterMs) {
        this.resolve(key, `no new occurrence for ${humanDuration(this.now - alert.lastAt)}`);
      }
    }
  }

  /** Level alerts of a sampled group that the latest sample no longer mentions (e.g. a removed preset). */
  forgetUnsampled(group: string, sampledKeys: ReadonlySet<string>): void {
    for (const key of Object.keys(this.active).sort()) {
      const alert = this.active[key]!;
      if (alert.kind === 'level' && alert.source === group && !sampledKeys.has(key)) this.resolve(key, 'condition no longer present');
    }
    for (const key of Object.keys(this.pending)) if (key.startsWith(`${group}:`) && !sampledKeys.has(key)) delete this.pending[key];
  }
}

export interface EvaluateInput {
  readonly now: number;
  readonly observations: readonly Observation[];
  /**
   * Sources whose level observations are complete in this input: their active level
   * alerts that are not mentioned any more resolve (a preset was removed, a position closed).
   */
  readonly completeSources?: readonly string[];
}

export function evaluateAlerts(state: AlertEngineState, input: EvaluateInput, settings: EngineSettings): EvaluationResult {
  const run = new Evaluation(state, input.now, settings);
  for (const o of input.observations) {
    if (o.kind === 'event') run.event(o);
    else if (o.kind === 'level') run.level(o);
    else run.recovery(o);
  }
  for (const source of input.completeSources ?? []) {
    const keys = new Set(input.observations.filter((o): o is LevelObservation => o.kind === 'level' && o.source === source).map((o) => o.key));
    run.forgetUnsampled(source, keys);
  }
  run.expire();
  return { state: { active: run.active, pending: run.pending }, changes: run.changes };
}

/** Active alerts, most severe first, then oldest first. */
export function activeAlerts(state: AlertEngineState): AlertSnapshot[] {
  return Object.values(state.active)
    .map((a) => snapshot(a))
    .sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.firstAt - b.firstAt || a.key.localeCompare(b.key));
}
