import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { SymbolSchema } from '../../config/schema.ts';
import { toBybotError } from '../domain/errors.ts';
import type { OrderManager } from '../orders/orderManager.ts';

const LinkIdParams = z.strictObject({ orderLinkId: z.string().regex(/^[0-9A-Za-z_-]{1,36}$/, 'must be 1-36 characters of 0-9 A-Z a-z _ -') });
const CancelBody = z.strictObject({ symbol: SymbolSchema });
const AmendBody = z
  .strictObject({ symbol: SymbolSchema, price: z.number().positive().optional(), qty: z.number().positive().optional() })
  .refine((b) => b.price !== undefined || b.qty !== undefined, { message: 'give price and/or qty', path: ['price'] });

type SendError = (reply: FastifyReply, status: number, code: string, message: string, details?: unknown) => FastifyReply;

const STATUS_BY_LEVEL: Record<string, number> = { strategy: 422, symbol: 422, system: 503 };

function issues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message}`);
}

/**
 * Operator order controls: amend or cancel one resting order of ours (by orderLinkId)
 * through the order queue. Foreign orders are refused (the bot never touches them).
 */
export function registerOrderRoutes(
  app: FastifyInstance,
  orders: OrderManager,
  sendError: SendError,
): void {
  const run = async (reply: FastifyReply, work: () => Promise<void>) => {
    try {
      await work();
      return reply.code(200).send({ ok: true });
    } catch (raw) {
      const error = toBybotError(raw);
      const status = error.code === 'ORDER_NOT_FOUND' ? 404 : error.code === 'INVALID_REQUEST' ? 400 : (STATUS_BY_LEVEL[error.level] ?? 422);
      return sendError(reply, status, error.code, error.message);
    }
  };
  app.post('/orders/:orderLinkId/cancel', { config: { access: 'control' } }, async (request, reply) => {
    const params = LinkIdParams.safeParse(request.params);
    const body = CancelBody.safeParse(request.body ?? {});
    if (!params.success) return sendError(reply, 400, 'INVALID_PARAMS', 'orderLinkId is invalid', issues(params.error));
    if (!body.success) return sendError(reply, 400, 'INVALID_BODY', 'request body is invalid', issues(body.error));
    return run(reply, () => orders.cancel(body.data.symbol, params.data.orderLinkId));
  });
  app.post('/orders/:orderLinkId/amend', { config: { access: 'control' } }, async (request, reply) => {
    const params = LinkIdParams.safeParse(request.params);
    const body = AmendBody.safeParse(request.body ?? {});
    if (!params.success) return sendError(reply, 400, 'INVALID_PARAMS', 'orderLinkId is invalid', issues(params.error));
    if (!body.success) return sendError(reply, 400, 'INVALID_BODY', 'request body is invalid', issues(body.error));
    const { symbol, price, qty } = body.data;
    return run(reply, () => orders.amend(symbol, params.data.orderLinkId, { ...(price !== undefined ? { price } : {}), ...(qty !== undefined ? { qty } : {}) }));
  });
}
