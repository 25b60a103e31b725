import { Counter } from 'prom-client';
import type { AppConfig } from '../../config/schema.ts';
import type { BuiltExchange } from '../exchange/buildExchange.ts';
import { readiness } from '../http/readiness.ts';
import type { Journal } from '../journal/journal.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Cockpit } from '../cockpit/cockpit.ts';
import type { Runtime } from '../runtime/createRuntime.ts';
import type { Clock } from '../ports/clock.ts';
import type { HealthMonitor } from '../runtime/health.ts';
import { KeyRotation, type RotationResult, type RotationTrigger } from '../secrets/keyRotation.ts';
import type { SecretProvider } from '../secrets/provider.ts';
import type { ResolvedSecrets } from '../secrets/resolve.ts';
import type { SecretStore } from '../secrets/store.ts';
import { codeVersion, removeInstanceFile, writeInstanceFile } from './instanceFiles.ts';
import type { ServiceHooks } from './systemd/serviceHooks.ts';

/**
 * What an instance does once it trades (a normal start, or a standby that took the lock):
 * registers itself as `<db>.active`, runs key rotation (its alerts go to the cockpit's
 * alert engine), shows systemd its readiness, and logs `"event":"trading"` (with how long
 * a standby waited) the moment its actors start after reconciliation. The stop undoes it in
 * order: feeds off, journal closed (lock released), `<db>.active` removed, rotation stopped.
 */
export interface ActiveOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly runtime: Runtime;
  readonly clock: Clock;
  readonly health: HealthMonitor;
  readonly journal: Journal | undefined;
  readonly built: BuiltExchange | undefined;
  readonly secrets: ResolvedSecrets;
  readonly provider: SecretProvider;
  readonly service: ServiceHooks | null;
  readonly cockpit: Cockpit;
  readonly url: string;
  readonly codeDir: string;
  /** A standby's wait for the lock, or null for a normal start. */
  readonly promotedAfterMs: number | null;
  /** Unsubscribe functions of the journal feeds (account stream, channel alerts). */
  readonly feeds?: readonly (() => void)[];
}

export interface ActiveParts {
  readonly keyRotation: KeyRotation | null;
  readonly secrets: SecretStore;
  rotateSecrets(trigger: RotationTrigger): Promise<RotationResult>;
  /** Stops writing to the journal (before it is closed). */
  detach(): void;
  /** The journal is closed: the lock is free for a standby. `closingAt`: wall ms just before the close (trading had stopped). */
  journalReleased(closingAt: number): void;
  stopping(): Promise<void>;
  close(): void;
}

export function activate(o: ActiveOptions): ActiveParts {
  const { config, logger, journal } = o;
  const offs: (() => void)[] = [...(o.feeds ?? [])];
  const version = codeVersion(o.codeDir);
  if (journal && o.url) writeInstanceFile(journal.path, { role: 'active', pid: process.pid, url: o.url, version, codeDir: o.codeDir, since: Date.now() });

  const control = o.built?.bybit?.credentials ?? null;
  const counter = new Counter({ name: 'bybot_key_rotations_total', help: 'Exchange key rotation attempts by result (rotated, unchanged, failed, unsupported) and trigger', labelNames: ['result', 'trigger'], registers: [o.metrics.registry] });
  const keyRotation = control
    ? new KeyRotation({
        provider: o.provider,
        store: o.secrets.store,
        target: control,
        observe: (observations) => o.cockpit.alerts.observe(observations),
        onRotated: () => void o.cockpit.sources.refreshApiKey(),
        logger,
        settings: config.secrets.rotation,
        counter,
        // The bot's clock (a simulator server's in venue local): the key's expiry is in its terms.
        now: () => o.clock.now(),
      })
    : null;
  void keyRotation?.start();

  o.service?.setView(() => {
    const r = readiness(o.runtime, o.health, config, o.clock);
    const halted = r.checks.trading !== undefined && (r.checks.trading as { ok: boolean }).ok === false;
    return { role: 'active', ready: r.ready, halted, reasons: r.reasons, healthy: o.health.eventLoopLagMs() <= config.health.maxEventLoopLagMs };
  });
  void o.runtime.whenStarted().then(() => {
    if (o.promotedAfterMs !== null) {
      o.cockpit.alerts.observe([
        { kind: 'event', oneShot: true, key: `deploy:took_over:${process.pid}`, priority: 'P3', source: 'deploy', title: `Standby took over trading (version ${version})`, message: `pid ${process.pid} reconciled and trades after waiting ${o.promotedAfterMs} ms on standby` },
      ]);
    }
    logger.info(
      { event: 'trading', wallTime: Date.now(), pid: process.pid, version, fromStandby: o.promotedAfterMs !== null, ...(o.promotedAfterMs !== null ? { standbyWaitedMs: o.promotedAfterMs } : {}) },
      `trading: reconciled and the actors run (pid ${process.pid}, version ${version})`,
    );
  });

  let detached = false;
  return {
    keyRotation,
    secrets: o.secrets.store,
    async rotateSecrets(trigger) {
      if (!keyRotation) return { result: 'unsupported', message: 'no exchange key to rotate (the in-process simulator)' };
      return keyRotation.rotateNow(trigger);
    },
    detach() {
      if (detached) return;
      detached = true;
      for (const off of offs.splice(0)) off();
    },
    journalReleased(closingAt) {
      if (!journal) return;
      removeInstanceFile(journal.path, 'active');
      logger.info({ event: 'journal_released', wallTime: Date.now(), closingAt, path: journal.path }, `journal closed and its writer lock released (${journal.path})`);
    },
    async stopping() {
      keyRotation?.stop();
      await o.service?.stopping();
    },
    close() {
      keyRotation?.stop();
      o.provider.close();
      o.service?.close();
    },
  };
}
