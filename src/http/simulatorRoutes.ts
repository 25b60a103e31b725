import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { FaultsSchema } from '../../config/schema.ts';
import { wireFaultPatchSchema } from '../exchangeSim/faults.ts';
import type { SimExchange } from '../sim/index.ts';
import type { ExchangeSimServer } from '../exchangeSim/index.ts';

/**
 * Fault control of the dry-run simulator, as the HTTP API sees it: the in-process
 * simulator's faults (down, authRejected, latencyMs, nanCandles, errorRate), or, when the
 * bot reaches it over the Bybit wire protocol, the server's wire faults as well
 * (rateLimitStorm, hang, wsSilent, badData, disconnectWebSockets...).
 */
export interface SimulatorControl {
  getFaults(): unknown;
  /** Applies a patch that `patchSchema` accepted. */
  setFaults(patch: Record<string, unknown>): unknown;
  readonly patchSchema: z.ZodType<Record<string, unknown>>;
}

export function simulatorControl(sim: SimExchange, server?: ExchangeSimServer): SimulatorControl {
  if (server) {
    return { getFaults: () => server.faults.get(), setFaults: (patch) => server.faults.set(patch), patchSchema: wireFaultPatchSchema };
  }
  return { getFaults: () => sim.faults.get(), setFaults: (patch) => sim.faults.set(patch), patchSchema: FaultsSchema.partial() };
}

/**
 * Dry-run only: read and change the simulator's faults at run time, so a demo (or the
 * visualiser's end-to-end test) can take the "exchange" down and watch the actors trip
 * their breakers and escalate. POST is a control endpoint (token, JSON); GET a read.
 */
export function registerSimulatorRoutes(
  app: FastifyInstance,
  simulator: SimulatorControl,
  sendError: (reply: FastifyReply, status: number, code: string, message: string, details?: unknown) => FastifyReply,
): void {
  app.get('/simulator/faults', { config: { access: 'read' } }, async () => simulator.getFaults());
  app.post('/simulator/faults', { config: { access: 'control' } }, async (request, reply) => {
    const parsed = simulator.patchSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      return sendError(
        reply,
        400,
        'INVALID_BODY',
        'request body is invalid',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message}`),
      );
    }
    const patch = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    return simulator.setFaults(patch);
  });
}
