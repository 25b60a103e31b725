import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../observability/logger.ts';
import { readInstanceFile } from './instanceFiles.ts';

/**
 * `POST /control/handover` (control token): the active instance hands trading over to the
 * standby waiting for its journal: it answers 202 at once, then stops as on SIGTERM (no new
 * entries, in-flight orders finished, actors stopped, last fill sync), closes the journal
 * (which releases the writer lock the standby waits for) and exits 0. Refused with 409 when
 * no live standby waits (trading would simply stop), unless `force: true`.
 */
const HandoverBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional(), force: z.boolean().optional() });

export interface HandoverRouteDeps {
  /** The journal file (the standby registers itself beside it); null without a journal. */
  readonly dbPath: string | null;
  readonly logger: Logger;
  /** Starts the stop; called once, after the 202 is on its way. */
  readonly begin: (reason: string) => void;
}

export function registerHandoverRoute(app: FastifyInstance, deps: HandoverRouteDeps): void {
  let started = false;
  app.post('/control/handover', { config: { access: 'control' } }, async (request, reply) => {
    const parsed = HandoverBody.safeParse(request.body ?? {});
    if (!parsed.success) {
      return reply.code(400).send({ error: { code: 'INVALID_BODY', message: 'request body is invalid', details: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) } });
    }
    if (started) return reply.code(409).send({ error: { code: 'HANDOVER_IN_PROGRESS', message: 'a handover is already running; this instance is stopping' } });
    if (deps.dbPath === null) return reply.code(409).send({ error: { code: 'NO_JOURNAL', message: 'journal.enabled is false: a standby has no journal lock to wait for' } });
    const standby = readInstanceFile(deps.dbPath, 'standby');
    if (!standby && parsed.data.force !== true) {
      return reply.code(409).send({
        error: { code: 'NO_STANDBY', message: 'no standby waits for this journal (start one with npm start -- --standby); send {"force": true} to stop trading anyway' },
      });
    }
    started = true;
    const reason = parsed.data.reason ?? 'handover requested over HTTP';
    deps.logger.warn(
      { event: 'handover_started', reason, wallTime: Date.now(), standby: standby ? { pid: standby.pid, url: standby.url, version: standby.version } : null },
      `handover: stopping trading and releasing the journal to ${standby ? `standby pid ${standby.pid} (${standby.version})` : 'nobody (forced)'}`,
    );
    setImmediate(() => deps.begin(reason));
    return reply.code(202).send({ accepted: true, standby: standby ? { pid: standby.pid, url: standby.url, version: standby.version } : null });
  });
}
