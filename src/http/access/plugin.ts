import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { Access, AccessPolicy } from './policy.ts';

/**
 * The access policy as a Fastify plugin (applied to the root instance, not encapsulated):
 * one onRequest hook, before the body is read, for every route. A route states what it
 * needs with `config: { access: 'public' | 'read' | 'control' }`; without it, GET and HEAD
 * are `read` and every other method is `control`, so a new POST endpoint is protected
 * even if its author forgets.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

export function routeAccess(request: FastifyRequest): Access {
  const declared = request.routeOptions.config.access;
  if (declared) return declared;
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'control';
}

export function accessControl(policy: AccessPolicy): FastifyPluginCallback {
  const plugin: FastifyPluginCallback = (app: FastifyInstance, _options, done) => {
    app.addHook('onRequest', async (request, reply) => {
      const denial = policy.check(request.raw, routeAccess(request));
      if (!denial) return;
      if (denial.status === 401) void reply.header('www-authenticate', 'Bearer');
      // The connection may carry an unread body: close it rather than read it.
      await reply.code(denial.status).header('connection', 'close').send({ error: { code: denial.code, message: denial.message } });
    });
    done();
  };
  // Same effect as fastify-plugin: the hook applies to every route of the parent instance.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
