import type { Logger } from '../../observability/logger.ts';
import type { Notifier } from './sdNotify.ts';

/**
 * What systemd hears from the bot (Type=notify): READY=1 once `/ready` would answer 200,
 * or once the bot is up but waiting for an operator (HALTED: systemd must not kill a
 * halted bot for never becoming ready), or once a standby is prepared; STATUS= one line
 * saying what the bot does (trading, standby, the first readiness reason); WATCHDOG=1 every
 * half `WatchdogSec` while `/health` would answer 200, so a wedged event loop gets the
 * process restarted; STOPPING=1 when it stops.
 */
export interface ServiceView {
  readonly role: 'standby' | 'active';
  readonly ready: boolean;
  readonly halted: boolean;
  readonly reasons: readonly string[];
  /** /health would answer 200 (event loop not lagging). */
  readonly healthy: boolean;
}

export interface ServiceNotifierOptions {
  readonly notifier: Notifier;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  readonly view: () => ServiceView;
  /** How often readiness is looked at (real ms). */
  readonly pollMs?: number;
}

export function statusLine(view: ServiceView): string {
  if (view.role === 'standby') return `standby: ${view.reasons[0] ?? 'waiting for the journal writer lock'}`;
  if (view.ready) return 'trading';
  if (view.halted) return `HALTED: ${view.reasons.find((r) => r.startsWith('trading is HALTED')) ?? view.reasons[0] ?? ''}`;
  return `not ready: ${view.reasons[0] ?? 'starting'}`;
}

export class ServiceNotifier {
  private readonly timers: NodeJS.Timeout[] = [];
  private readySent = false;
  private lastStatus = '';

  constructor(private readonly o: ServiceNotifierOptions) {}

  /** Watchdog interval from WATCHDOG_USEC (half of it, in ms), or null when the unit has none or it is for another pid. */
  watchdogIntervalMs(): number | null {
    const usec = Number(this.o.env.WATCHDOG_USEC);
    if (!Number.isFinite(usec) || usec <= 0) return null;
    const pid = this.o.env.WATCHDOG_PID;
    if (pid !== undefined && pid !== '' && Number(pid) !== process.pid) return null;
    return Math.max(100, Math.floor(usec / 2_000));
  }

  start(): void {
    const tick = (): void => void this.update();
    tick();
    const poll = setInterval(tick, this.o.pollMs ?? 1_000);
    poll.unref();
    this.timers.push(poll);
    const watchdogMs = this.watchdogIntervalMs();
    if (watchdogMs !== null) {
      const ping = setInterval(() => {
        if (this.o.view().healthy) void this.o.notifier.notify({ WATCHDOG: '1' });
        else this.o.logger.warn({ event: 'watchdog_skipped' }, 'event loop lagging: watchdog ping withheld (systemd restarts the bot if this lasts WatchdogSec)');
      }, watchdogMs);
      ping.unref();
      this.timers.push(ping);
    }
  }

  /** Sends READY=1 (first time it applies) and STATUS= when it changed. */
  async update(): Promise<void> {
    const view = this.o.view();
    const status = statusLine(view);
    const fields: Record<string, string> = {};
    if (!this.readySent && (view.ready || view.halted || view.role === 'standby')) {
      fields.READY = '1';
      this.readySent = true;
      this.o.logger.info({ event: 'systemd_ready', socket: this.o.notifier.socket, status }, `told systemd READY=1 (${status})`);
    }
    if (status !== this.lastStatus) {
      fields.STATUS = status;
      this.lastStatus = status;
    }
    if (Object.keys(fields).length > 0) {
      const sent = await this.o.notifier.notify(fields);
      if (!sent) this.o.logger.warn({ event: 'systemd_notify_failed', socket: this.o.notifier.socket }, 'could not send the systemd notification');
    }
  }

  async stopping(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.o.notifier.notify({ STOPPING: '1', STATUS: 'stopping' });
  }

  close(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.o.notifier.close();
  }
}
