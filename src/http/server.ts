import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppConfig } from '../../config/schema.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Runtime } from '../runtime/createRuntime.ts';
import type { HealthMonitor } from '../runtime/health.ts';
import { actorDetail, actorSummary, iso, systemSummary } from './views.ts';
import { portfolioView } from './portfolioView.ts';
import { accountView } from './accountView.ts';
import { registerOrderRoutes } from './orderRoutes.ts';
import { registerSimulatorRoutes, type SimulatorControl } from './simulatorRoutes.ts';
import { runtimeFeed } from './viz/feed.ts';
import { accessControl } from './access/plugin.ts';
import { AccessPolicy } from './access/policy.ts';
import { registerVizRoutes } from './viz/routes.ts';
import { readiness } from './readiness.ts';
import type { Cockpit } from '../cockpit/cockpit.ts';
import { registerCockpitControlRoutes, registerCockpitReadRoutes } from './cockpitRoutes.ts';

export interface HttpDeps {
  readonly config: AppConfig;
  readonly runtime: Runtime;
  readonly health: HealthMonitor;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Venue label for humans, e.g. "simulator" or "bybit-testnet". */
  readonly venue: string;
  /** Present in dry-run against the in-process simulator: fault injection for demos and tests. */
  readonly simulator?: SimulatorControl;
  /** The resolved control token (configured, or generated into the token file). */
  readonly controlToken: string;
  /** More routes from other parts of the bot (the handover endpoint of src/deploy). */
  readonly extraRoutes?: (app: FastifyInstance) => void;
  /** Alerts, reload, shadow, dashboard (src/cockpit); absent in tools that build the API alone. */
  readonly cockpit?: Cockpit;
}

/** Which clock the bot's times come from: simulated (dry-run) or the wall clock (live). */
export function clockInfo(clock: Clock, now: number): { readonly source: 'simulated' | 'wall'; readonly speed: number | null; readonly now: string | null } {
  const speed = (clock as { speed?: unknown }).speed;
  const manual = typeof (clock as { advanceBy?: unknown }).advanceBy === 'function';
  if (typeof speed === 'number' || manual) return { source: 'simulated', speed: typeof speed === 'number' ? speed : null, now: iso(now) };
  return { source: 'wall', speed: null, now: iso(now) };
}

const ReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
const OptionalReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });

function sendError(reply: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  return reply.code(status).send({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown, reply: FastifyReply): T | undefined {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  void sendError(
    reply,
    400,
    'INVALID_BODY',
    'request body is invalid',
    parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message}`),
  );
  return undefined;
}

/**
 * The HTTP API (Fastify factory, no listen): probes, actor snapshots, metrics and the
 * operator controls. Handlers read the runtime's read model; controls only send events
 * to the supervision tree, which decides.
 */
export async function buildServer(deps: HttpDeps): Promise<FastifyInstance> {
  const { runtime, config } = deps;
  const timeoutMs = config.http.requestTimeoutMs;
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    // A client that declares a body and sends part of it (or dribbles its headers) is
    // answered 408 and closed after http.requestTimeoutMs; Node checks every 250 ms
    // instead of its default 30 s.
    serverFactory: (handler) =>
      createServer({ requestTimeout: timeoutMs, headersTimeout: timeoutMs, connectionsCheckingInterval: Math.min(250, timeoutMs), keepAliveTimeout: 5_000 }, handler),
  });
  const policy = new AccessPolicy({
    controlToken: deps.controlToken,
    readToken: config.http.readToken,
    allowedHosts: [config.http.host, ...config.http.allowedHosts],
    controlTokenName: config.http.controlToken ? 'http.controlToken' : 'the control token (see the control_token log line for its file)',
  });
  await app.register(accessControl(policy));
  let correlationSeq = 0;
  const correlation = (kind: string): string => `http#${kind}.${deps.clock.now().toString(36)}.${++correlationSeq}`;

  app.addHook('onResponse', async (request, reply) => {
    deps.logger.debug({ event: 'http', method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'http request');
  });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) deps.logger.error({ event: 'http_error', err: error.message }, 'http handler failed');
    return sendError(reply, status, error.code ?? 'INTERNAL', status >= 500 ? 'internal error' : error.message);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url}`));

  app.get('/health', { config: { access: 'public' } }, async (_request, reply) => {
    const lag = deps.health.eventLoopLagMs();
    const ok = lag <= config.health.maxEventLoopLagMs;
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      eventLoopLagMs: lag,
      maxEventLoopLagMs: config.health.maxEventLoopLagMs,
      uptimeSeconds: Math.round((Date.now() - deps.health.startedAt) / 1000),
      mode: config.mode,
      venue: deps.venue,
      clock: clockInfo(deps.clock, deps.clock.now()),
      wallTime: iso(Date.now()),
    });
  });

  app.get('/ready', { config: { access: 'public' } }, async (_request, reply) => {
    const r = readiness(runtime, deps.health, config, deps.clock);
    return reply.code(r.ready ? 200 : 503).send(r);
  });

  app.get('/status', async () => ({
    mode: config.mode,
    venue: deps.venue,
    clock: clockInfo(deps.clock, deps.clock.now()),
    wallTime: iso(Date.now()),
    system: systemSummary(runtime.snapshot()),
  }));

  app.get('/actors', async () => {
    const snapshot = runtime.snapshot();
    const halted = snapshot.context.tradingState === 'HALTED';
    const actors = runtime.registry.list().map((e) => actorSummary(e, snapshot.context.disabled[e.actorId], halted));
    return { clock: clockInfo(deps.clock, deps.clock.now()), tradingState: runtime.gate.current(), count: actors.length, account: accountView(runtime), actors };
  });

  app.get<{ Params: { id: string } }>('/actors/:id', async (request, reply) => {
    const entry = runtime.registry.get(request.params.id);
    if (!entry) return sendError(reply, 404, 'UNKNOWN_ACTOR', `no actor ${request.params.id}; actor ids look like BTCUSDT:range-v1`);
    const snapshot = runtime.snapshot();
    // Transition and state times are on the bot's clock: say which one (the page labels them).
    return { ...actorDetail(entry, snapshot.context.disabled[entry.actorId], snapshot.context.tradingState === 'HALTED'), clock: clockInfo(deps.clock, deps.clock.now()) };
  });

  app.get('/portfolio', async () => portfolioView(runtime));

  app.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.header('content-type', deps.metrics.registry.contentType).send(text);
  });

  app.post('/control/halt', { config: { access: 'control' } }, async (request, reply) => {
    const body = parseBody(ReasonBody, request.body, reply);
    if (!body) return reply;
    const correlationId = correlation('halt');
    runtime.halt(`operator: ${body.reason}`, 'OPERATOR_HALT', correlationId);
    return reply.code(202).send({ accepted: true, correlationId });
  });

  app.post('/control/resume', { config: { access: 'control' } }, async (request, reply) => {
    const correlationId = correlation('resume');
    if (!runtime.resume(correlationId)) {
      return sendError(reply, 409, 'NOT_HALTED', `trading is not halted (system state ${String(runtime.snapshot().value)})`);
    }
    return reply.code(202).send({ accepted: true, correlationId });
  });

  app.post<{ Params: { id: string } }>('/actors/:id/disable', { config: { access: 'control' } }, async (request, reply) => {
    const body = parseBody(OptionalReasonBody, request.body, reply);
    if (!body) return reply;
    if (!runtime.registry.get(request.params.id)) return sendError(reply, 404, 'UNKNOWN_ACTOR', `no actor ${request.params.id}`);
    const correlationId = correlation('disable');
    runtime.disable(request.params.id, `operator: ${body.reason ?? 'disabled via HTTP'}`, correlationId);
    return reply.code(202).send({ accepted: true, correlationId });
  });

  app.post<{ Params: { id: string } }>('/actors/:id/enable', { config: { access: 'control' } }, async (request, reply) => {
    if (!runtime.registry.get(request.params.id) && !runtime.snapshot().context.disabled[request.params.id]) {
      return sendError(reply, 404, 'UNKNOWN_ACTOR', `no actor ${request.params.id}`);
    }
    const correlationId = correlation('enable');
    runtime.enable(request.params.id, correlationId);
    return reply.code(202).send({ accepted: true, correlationId });
  });

  registerOrderRoutes(app, runtime.orders, sendError);
  deps.extraRoutes?.(app);
  if (deps.simulator) registerSimulatorRoutes(app, deps.simulator, sendError);
  const authorizeRead = (request: Parameters<AccessPolicy['check']>[0]) => policy.check(request, 'read');
  registerVizRoutes(app, runtimeFeed(runtime), sendError, authorizeRead);
  if (deps.cockpit) {
    registerCockpitReadRoutes(app, deps.cockpit, sendError, authorizeRead);
    registerCockpitControlRoutes(app, deps.cockpit, sendError);
  }
  return app;
}
