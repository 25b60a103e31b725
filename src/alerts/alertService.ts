import type { AlertsConfig } from '../../config/cockpitSchema.ts';
import { activeAlerts, evaluateAlerts } from '../core/alerts/engine.ts';
import { EMPTY_ALERT_STATE, type AlertChange, type AlertEngineState, type AlertSnapshot, type Observation, type Priority } from '../core/alerts/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { CockpitStore } from '../journal/cockpitStore.ts';
import type { DeliveryQueue } from './delivery.ts';
import { alertText } from './format.ts';

/** Metrics the service keeps current (a subset of src/observability/metrics.ts). */
export interface AlertMetrics {
  readonly alertsActive: { set(labels: { priority: string }, value: number): void };
  readonly alertsRaised: { inc(labels: { priority: string; source: string }): void };
}

export interface RecentAlertChange {
  readonly type: AlertChange['type'];
  readonly at: number;
  readonly alert: AlertSnapshot;
  readonly note: string;
  readonly text: string;
}

const RECENT = 200;
const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3'];

/**
 * The alert engine at the edge: holds its state, feeds it observations (synchronously,
 * cheap), and turns each change into a log line, a journal row and deliveries on the
 * channels its priority is routed to. Delivery itself is asynchronous (DeliveryQueue), so
 * nothing here waits for a network.
 */
export class AlertService {
  private state: AlertEngineState = EMPTY_ALERT_STATE;
  private readonly recentChanges: RecentAlertChange[] = [];
  private readonly listeners = new Set<(change: RecentAlertChange) => void>();

  constructor(
    private readonly o: {
      readonly settings: () => AlertsConfig;
      readonly clock: Clock;
      readonly timers: Clock;
      readonly logger: Logger;
      readonly store: CockpitStore | null;
      readonly delivery: DeliveryQueue;
      readonly metrics?: AlertMetrics;
    },
  ) {}

  /** Feeds observations now; `completeSources` lists the sampled sources these observations fully cover. */
  observe(observations: readonly Observation[], completeSources?: readonly string[]): void {
    const settings = this.o.settings();
    if (!settings.enabled) return;
    const result = evaluateAlerts(
      this.state,
      { now: this.o.clock.now(), observations, ...(completeSources ? { completeSources } : {}) },
      { repeatEveryMs: settings.repeatEveryMs, resolveAfterMs: settings.resolveAfterMs },
    );
    this.state = result.state;
    for (const change of result.changes) this.apply(change, settings);
    if (result.changes.length > 0) {
      this.updateGauges();
      this.o.delivery.kick();
    }
  }

  /** Expiry of quiet event alerts (called by the sampler). */
  tick(): void {
    this.observe([]);
  }

  active(): AlertSnapshot[] {
    return activeAlerts(this.state);
  }

  recent(limit = 50): RecentAlertChange[] {
    return this.recentChanges.slice(-limit).reverse();
  }

  onChange(listener: (change: RecentAlertChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private routeTargets(priority: Priority, settings: AlertsConfig): { channel: string; target: string }[] {
    const out: { channel: string; target: string }[] = [];
    for (const name of new Set(settings.routes[priority])) {
      const channel = this.o.delivery.channel(name);
      for (const target of channel?.targets() ?? []) out.push({ channel: name, target });
    }
    return out;
  }

  private apply(change: AlertChange, settings: AlertsConfig): void {
    const a = change.alert;
    const text = alertText(change.type, a, change.note, change.newOccurrences);
    const deliveries = this.routeTargets(a.priority, settings);
    const fields = { event: 'alert', change: change.type, priority: a.priority, alertKey: a.key, source: a.source, title: a.title, detail: a.message, count: a.count, note: change.note, channels: [...new Set(deliveries.map((d) => d.channel))] };
    const line = text.replace(/\n/g, ' | ');
    if (a.priority === 'P1' && change.type !== 'resolved') this.o.logger.error(fields, line);
    else if (a.priority === 'P3' || change.type === 'resolved') this.o.logger.info(fields, line);
    else this.o.logger.warn(fields, line);
    if (change.type === 'raised') this.o.metrics?.alertsRaised.inc({ priority: a.priority, source: a.source });

    if (this.o.store) {
      try {
        this.o.store.recordAlert(change, text, deliveries, this.o.timers.now());
      } catch (error) {
        // The journal failing must not lose the alert: deliver from memory instead.
        this.o.logger.error({ event: 'journal_write_failed', what: 'alert', err: error instanceof Error ? error.message : String(error) }, 'journal write failed');
        this.o.delivery.addInMemory({ id: 0, at: change.at, change: change.type, note: change.note, text, alert: a }, deliveries);
      }
    } else {
      this.o.delivery.addInMemory({ id: 0, at: change.at, change: change.type, note: change.note, text, alert: a }, deliveries);
    }
    const recent: RecentAlertChange = { type: change.type, at: change.at, alert: a, note: change.note, text };
    this.recentChanges.push(recent);
    if (this.recentChanges.length > RECENT) this.recentChanges.splice(0, this.recentChanges.length - RECENT);
    for (const listener of this.listeners) listener(recent);
  }

  private updateGauges(): void {
    const active = this.active();
    for (const p of PRIORITIES) this.o.metrics?.alertsActive.set({ priority: p }, active.filter((a) => a.priority === p).length);
  }
}
