import Fastify, { type FastifyInstance } from 'fastify';
import type { AppConfig } from '../../config/schema.ts';
import { accessControl } from '../http/access/plugin.ts';
import { AccessPolicy } from '../http/access/policy.ts';

/**
 * The HTTP API of a standby (`npm start -- --standby`) while it waits for the journal's
 * writer lock: /health 200 (the process is fine), /ready 503 with the reason (it does not
 * trade), /status with its role. On promotion it is closed and the full API takes the port.
 */
export interface StandbyView {
  readonly reasons: readonly string[];
  readonly holderPid: number | null;
  readonly exchangeOk: boolean;
  readonly waitingSince: number;
}

export interface StandbyServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startStandbyServer(config: AppConfig, controlToken: string, view: () => StandbyView, version: string): Promise<StandbyServer> {
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  const policy = new AccessPolicy({ controlToken, readToken: config.http.readToken, allowedHosts: [config.http.host, ...config.http.allowedHosts] });
  await app.register(accessControl(policy));
  app.get('/health', { config: { access: 'public' } }, async () => ({ status: 'ok', role: 'standby', version, wallTime: new Date().toISOString() }));
  app.get('/ready', { config: { access: 'public' } }, async (_request, reply) => {
    const v = view();
    return reply.code(503).send({ ready: false, role: 'standby', reasons: v.reasons, checks: { standby: { ok: false, holderPid: v.holderPid }, exchange: { ok: v.exchangeOk } } });
  });
  app.get('/status', async () => {
    const v = view();
    return { role: 'standby', version, holderPid: v.holderPid, waitingSince: new Date(v.waitingSince).toISOString(), exchange: { ok: v.exchangeOk } };
  });
  app.setNotFoundHandler((request, reply) => reply.code(503).send({ error: { code: 'STANDBY', message: `this instance is a standby and serves only /health, /ready and /status until it takes over (${request.method} ${request.url})` } }));
  const url = await app.listen({ host: config.http.host, port: config.http.port });
  return { url, close: () => app.close() };
}
