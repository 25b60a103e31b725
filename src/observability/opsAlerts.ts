import type { Logger } from './logger.ts';

/**
 * Operational alerts of the deployment layer (key rotation and expiry, standby and
 * handover): one structured line each,
 * `{"event":"ops_alert","code":...,"priority":"P1"|"P2"|"P3","source":...}`, written to the
 * journal's alerts table, and handed to listeners (the alert engine routes them to
 * Telegram and webhooks: each is an event observation with key `<source>:<code>`).
 * P1: act now; P2: look soon; P3: information. Every code is explained in docs/runbook.md.
 */
export type OpsPriority = 'P1' | 'P2' | 'P3';

export interface OpsAlert {
  /** Stable upper-case code, e.g. API_KEY_EXPIRING. */
  readonly code: string;
  readonly priority: OpsPriority;
  /** secrets | deploy */
  readonly source: string;
  /** Short, stable description. */
  readonly title: string;
  /** This occurrence's detail (never a secret value). */
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface OpsAlertSink {
  raise(alert: OpsAlert): void;
}

export class OpsAlerts implements OpsAlertSink {
  private readonly listeners = new Set<(alert: OpsAlert, at: number) => void>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  raise(alert: OpsAlert): void {
    const at = this.now();
    const line = { event: 'ops_alert', code: alert.code, priority: alert.priority, source: alert.source, title: alert.title, ...alert.details };
    if (alert.priority === 'P1') this.logger.error(line, alert.message);
    else if (alert.priority === 'P2') this.logger.warn(line, alert.message);
    else this.logger.info(line, alert.message);
    for (const listener of this.listeners) {
      try {
        listener(alert, at);
      } catch (error) {
        this.logger.error({ event: 'ops_alert_listener_failed', err: error instanceof Error ? error.message : String(error) }, 'an ops alert listener threw');
      }
    }
  }

  onAlert(listener: (alert: OpsAlert, at: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
