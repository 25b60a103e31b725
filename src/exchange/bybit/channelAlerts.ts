import type { Logger } from '../../observability/logger.ts';
import type { Clock } from '../../ports/clock.ts';

/**
 * Channel-degradation alerts: one structured pino line per alert,
 * `{event:'channel_alert', priority, channel, reason, ...}`, counted in /metrics. The same
 * channel+reason is logged at most once per `quietMs` (a dead DNS would otherwise log on
 * every request); every occurrence is still counted.
 */
export type AlertPriority = 'critical' | 'high' | 'info';
export type AlertChannel = 'rest' | 'ws-public' | 'ws-private' | 'account';
export type AlertReason =
  | 'dns'
  | 'timeout'
  | 'connect'
  | 'server_error'
  | 'rate_limit'
  | 'auth'
  | 'clock_skew'
  | 'balance_zero'
  | 'failover'
  | 'failback'
  | 'ws_reconnecting'
  | 'ws_reconnected'
  | 'ws_auth_failed';

export const ALERT_PRIORITY: Readonly<Record<AlertReason, AlertPriority>> = {
  dns: 'critical',
  auth: 'critical',
  balance_zero: 'critical',
  ws_auth_failed: 'critical',
  timeout: 'high',
  connect: 'high',
  server_error: 'high',
  rate_limit: 'high',
  clock_skew: 'high',
  failover: 'high',
  ws_reconnecting: 'high',
  failback: 'info',
  ws_reconnected: 'info',
};

export interface AlertCounter {
  inc(labels: { channel: string; reason: string; priority: string }): void;
}

export interface ChannelAlert {
  readonly channel: AlertChannel;
  readonly reason: AlertReason;
  readonly priority: AlertPriority;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class ChannelAlerts {
  private readonly lastLogged = new Map<string, number>();
  private readonly listeners = new Set<(alert: ChannelAlert) => void>();

  constructor(
    private readonly logger: Logger,
    private readonly counter: AlertCounter,
    private readonly clock: Clock,
    private readonly quietMs = 60_000,
  ) {}

  raise(channel: AlertChannel, reason: AlertReason, message: string, details: Readonly<Record<string, unknown>> = {}): void {
    const priority = ALERT_PRIORITY[reason];
    this.counter.inc({ channel, reason, priority });
    const alert: ChannelAlert = { channel, reason, priority, message, details };
    for (const listener of this.listeners) listener(alert);
    const key = `${channel}:${reason}`;
    const now = this.clock.now();
    const last = this.lastLogged.get(key);
    if (last !== undefined && now - last < this.quietMs) return;
    this.lastLogged.set(key, now);
    const line = { event: 'channel_alert', priority, channel, reason, ...details };
    if (priority === 'critical') this.logger.error(line, message);
    else if (priority === 'high') this.logger.warn(line, message);
    else this.logger.info(line, message);
  }

  onAlert(listener: (alert: ChannelAlert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
