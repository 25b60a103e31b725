import type { Logger } from '../../observability/logger.ts';
import { createNotifier } from './sdNotify.ts';
import { ServiceNotifier, type ServiceView } from './serviceNotifier.ts';

/**
 * The bot's systemd link when it runs under Type=notify ($NOTIFY_SOCKET set), else null.
 * The view changes once: the standby's while it waits, then readiness once active.
 */
export interface ServiceHooks {
  setView(view: () => ServiceView): void;
  stopping(): Promise<void>;
  close(): void;
}

export function createServiceNotifier(env: Readonly<Record<string, string | undefined>>, logger: Logger): ServiceHooks | null {
  const notifier = createNotifier(env);
  if (!notifier) return null;
  let view: () => ServiceView = () => ({ role: 'active', ready: false, halted: false, reasons: ['starting'], healthy: true });
  const service = new ServiceNotifier({ notifier, env, logger, view: () => view() });
  let started = false;
  logger.info({ event: 'systemd_notify', socket: notifier.socket, watchdogMs: service.watchdogIntervalMs() }, `systemd notifications on ${notifier.socket}`);
  return {
    setView(next) {
      view = next;
      if (!started) {
        started = true;
        service.start();
      } else void service.update();
    },
    stopping: () => service.stopping(),
    close: () => service.close(),
  };
}
