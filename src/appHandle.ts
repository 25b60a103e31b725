import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/schema.ts';
import type { App, ShutdownReport } from './app.ts';
import type { Cockpit } from './cockpit/cockpit.ts';
import type { ActiveParts } from './deploy/activeInstance.ts';
import type { AbortablePort } from './exchange/abortablePort.ts';
import type { BuiltExchange } from './exchange/buildExchange.ts';
import type { ControlToken } from './http/access/controlToken.ts';
import type { openJournal } from './journal/openJournal.ts';
import type { Logger } from './observability/logger.ts';
import type { Metrics } from './observability/metrics.ts';
import type { Clock } from './ports/clock.ts';
import type { ExchangePort } from './ports/exchange.ts';
import type { Runtime } from './runtime/createRuntime.ts';
import type { HealthMonitor } from './runtime/health.ts';
import type { SimExchange } from './sim/index.ts';

/** Everything the started app is made of (src/app.ts builds them in order). */
export interface HandleParts {
  readonly config: AppConfig;
  readonly runtime: Runtime;
  readonly server: FastifyInstance;
  readonly health: HealthMonitor;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly exchange: ExchangePort;
  readonly simulator: SimExchange | undefined;
  readonly cockpit: Cockpit;
  readonly url: string;
  readonly dataDir: string;
  readonly controlToken: ControlToken;
  readonly calls: AbortablePort;
  readonly built: BuiltExchange | undefined;
  readonly journal: ReturnType<typeof openJournal>;
  readonly logger: Logger;
  readonly active: ActiveParts;
}

/**
 * The started app's handle: its parts, and the stop and abort that take them down in order
 * (actors, cockpit, journal and its writer lock, HTTP, exchange).
 */
export function appHandle(p: HandleParts): App & { onHandover: (listener: (reason: string) => void) => void } {
  let stopping: Promise<ShutdownReport> | null = null;
  let closed = false;
  const closeJournal = (): void => {
    if (closed) return;
    closed = true;
    // Feeds that write to the journal go first; closing it releases the writer lock a standby waits for.
    p.active.detach();
    // Taken before the close: every order this instance sent precedes it, and the lock is released after it.
    const closingAt = Date.now();
    p.journal?.close();
    p.active.journalReleased(closingAt);
  };
  return {
    config: p.config,
    runtime: p.runtime,
    server: p.server,
    health: p.health,
    metrics: p.metrics,
    clock: p.clock,
    exchange: p.exchange,
    ...(p.simulator ? { simulator: p.simulator } : {}),
    cockpit: p.cockpit,
    url: p.url,
    dataDir: p.dataDir,
    controlTokenPath: p.controlToken.path,
    journalPath: p.journal ? p.journal.path : null,
    secrets: p.active.secrets,
    keyRotation: p.active.keyRotation,
    rotateSecrets: (trigger) => p.active.rotateSecrets(trigger),
    onHandover: () => undefined,
    stop() {
      stopping ??= (async () => {
        const report = await p.runtime.stop();
        // After the actors: the last alerts of the shutdown are still delivered (or kept pending in the journal).
        await p.cockpit.stop();
        // Then the journal: closing it releases the writer lock a standby waits for.
        closeJournal();
        await p.active.stopping();
        p.health.stop();
        await p.server.close();
        await p.built?.close();
        p.active.close();
        return report;
      })();
      return stopping;
    },
    abort(reason) {
      const abortedRequests = p.calls.abortAll(reason);
      const pendingOrders = p.runtime.gate.pending();
      const { notSent } = p.runtime.abort(reason);
      p.health.stop();
      void p.cockpit.stop().catch(() => undefined);
      void p.server.close().catch(() => undefined);
      void p.built?.close().catch(() => undefined);
      closeJournal();
      p.active.close();
      return { abortedRequests, notSent, pendingOrders };
    },
  };
}
