import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FaultsSchema } from '../../config/schema.ts';

/** Fault state of the in-process simulator, as the HTTP API sees it. */
export interface SimulatorFaultState {
  readonly down: boolean;
  readonly authRejected: boolean;
  readonly latencyMs: number;
  readonly nanCandles: readonly string[];
  readonly errorRate: number;
}

export interface SimulatorControl {
  getFaults(): SimulatorFaultState;
  setFaults(patch: Partial<SimulatorFaultState>): SimulatorFaultState;
}

const FaultPatch = FaultsSchema.partial();

/**
 * Dry-run only: read and change the in-process simulator's faults at run time, so a demo
 * (or the visualiser's end-to-end test) can take the "exchange" down and watch the actors
 * trip their breakers and escalate.
 */
export function registerSimulatorRoutes(
  app: FastifyInstance,
  simulator: SimulatorControl,
  requireControl: (request: FastifyRequest, reply: FastifyReply) => Promise<void>,
  sendError: (reply: FastifyReply, status: number, code: string, message: string, details?: unknown) => FastifyReply,
): void {
  app.get('/simulator/faults', async () => simulator.getFaults());
  app.post('/simulator/faults', { preHandler: requireControl }, async (request, reply) => {
    const parsed = FaultPatch.safeParse(request.body ?? {});
    if (!parsed.success) {
      return sendError(
        reply,
        400,
        'INVALID_BODY',
        'request body is invalid',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message}`),
      );
    }
    const patch = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as Partial<SimulatorFaultState>;
    return simulator.setFaults(patch);
  });
}
