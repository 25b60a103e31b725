import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { projectPath } from '../projectRoot.ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { redactConfig, LIVE_KEYS } from '../../config/diff.ts';
import { alertView } from '../alerts/format.ts';
import type { Cockpit } from '../cockpit/cockpit.ts';
import type { ControlOutcome, ReloadOutcome } from '../cockpit/types.ts';
import { parseIsoDuration } from '../core/alerts/duration.ts';
import { SymbolSchema } from '../../config/schema.ts';
import { attachDashboardSocket, DASHBOARD_WS_PATH, type SocketAuthorizer } from './dashboardSocket.ts';

/**
 * The cockpit's HTTP surface. Reads: GET /alerts, /config, /shadow, the /dashboard page
 * and its feed. Mutating (every one of them in registerCockpitControlRoutes, behind the
 * control guard): POST /config/reload[?shadow=PT1H], /config/promote, /config/rollback,
 * /presets/:id/enable|disable, /symbols/:symbol/enable|disable.
 */
type SendError = (reply: FastifyReply, status: number, code: string, message: string, details?: unknown) => FastifyReply;

const PUBLIC_DIR = projectPath('src/dashboard/public/');
const CONTENT_TYPES: Readonly<Record<string, string>> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const AssetParams = z.strictObject({ file: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]*\.(js|css)$/) });
const ReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
const ReloadQuery = z.strictObject({ shadow: z.string().max(40).optional() });
const PresetParams = z.strictObject({ id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be a preset id such as range-v1'), action: z.enum(['enable', 'disable']) });
const SymbolParams = z.strictObject({ symbol: SymbolSchema, action: z.enum(['enable', 'disable']) });

function issues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message}`);
}

function loadAssets(): ReadonlyMap<string, { body: Buffer; contentType: string }> {
  const assets = new Map<string, { body: Buffer; contentType: string }>();
  for (const file of readdirSync(PUBLIC_DIR)) {
    const contentType = CONTENT_TYPES[extname(file)];
    if (contentType) assets.set(file, { body: readFileSync(`${PUBLIC_DIR}${file}`), contentType });
  }
  return assets;
}

export function registerCockpitReadRoutes(app: FastifyInstance, cockpit: Cockpit, sendError: SendError, authorizeSocket?: SocketAuthorizer): void {
  app.get('/alerts', async () => ({
    active: cockpit.alerts.active().map(alertView),
    recent: cockpit.alerts.recent(100).map((c) => ({ change: c.type, at: new Date(c.at).toISOString(), key: c.alert.key, priority: c.alert.priority, title: c.alert.title, note: c.note, text: c.text })),
    deliveries: { pending: cockpit.delivery.pendingCount(), byStatus: cockpit.store?.deliveryCounts() ?? {} },
  }));

  app.get('/config', async () => ({
    version: cockpit.live.version(),
    liveKeys: LIVE_KEYS,
    config: redactConfig(cockpit.live.get()),
    recentReloads: (cockpit.store?.recentReloads(10) ?? []).map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
  }));

  app.get('/shadow', async (_request, reply) => {
    const report = cockpit.reloader.shadowReport();
    if (!report) return sendError(reply, 404, 'NO_SHADOW', 'no shadow run yet: POST /config/reload?shadow=PT1H starts one');
    return report;
  });

  const assets = loadAssets();
  app.get('/dashboard', async (_request, reply) => {
    const page = assets.get('index.html');
    if (!page) return sendError(reply, 500, 'DASHBOARD_MISSING', 'src/dashboard/public/index.html is missing');
    return reply.header('content-type', page.contentType).header('cache-control', 'no-cache').send(page.body);
  });
  app.get('/dashboard/assets/:file', async (request, reply) => {
    const parsed = AssetParams.safeParse(request.params);
    const asset = parsed.success ? assets.get(parsed.data.file) : undefined;
    if (!asset) return sendError(reply, 404, 'UNKNOWN_ASSET', 'no such dashboard asset');
    return reply.header('content-type', asset.contentType).header('cache-control', 'no-cache').send(asset.body);
  });
  attachDashboardSocket(app, () => cockpit.dashboard.frame(), 1_000, authorizeSocket);
}

/**
 * Every state-changing cockpit endpoint, in one place: each declares `access: 'control'`,
 * so the access policy (src/http/access) asks for the control token before the body is read.
 */
export function registerCockpitControlRoutes(app: FastifyInstance, cockpit: Cockpit, sendError: SendError): void {
  const reply = (r: FastifyReply, outcome: ControlOutcome | ReloadOutcome) => r.code(outcome.status).send(outcome);

  app.post('/config/reload', { config: { access: 'control' } }, async (request, r) => {
    const query = ReloadQuery.safeParse(request.query ?? {});
    if (!query.success) return sendError(r, 400, 'INVALID_QUERY', 'query is invalid', issues(query.error));
    let shadowMs: number | undefined;
    if (query.data.shadow !== undefined) {
      const ms = parseIsoDuration(query.data.shadow);
      if (ms === null || ms > 7 * 86_400_000) return sendError(r, 400, 'INVALID_QUERY', 'shadow must be an ISO-8601 duration of at most 7 days, e.g. PT1H, PT30M, P1D');
      shadowMs = ms;
    }
    return reply(r, cockpit.reloader.reload('http', shadowMs));
  });
  app.post('/config/promote', { config: { access: 'control' } }, async (_request, r) => reply(r, cockpit.reloader.promote('http')));
  app.post('/config/rollback', { config: { access: 'control' } }, async (_request, r) => reply(r, cockpit.reloader.rollback('http')));

  const enableDisable = (target: string, action: 'enable' | 'disable', body: unknown, r: FastifyReply, source: string) => {
    const parsed = ReasonBody.safeParse(body ?? {});
    if (!parsed.success) return sendError(r, 400, 'INVALID_BODY', 'request body is invalid', issues(parsed.error));
    return reply(r, cockpit.actions.setEnabled(target, action === 'enable', parsed.data.reason ?? `${action}d via HTTP`, source));
  };
  app.post('/presets/:id/:action', { config: { access: 'control' } }, async (request, r) => {
    const params = PresetParams.safeParse(request.params);
    if (!params.success) return sendError(r, 400, 'INVALID_PARAMS', 'path is invalid', issues(params.error));
    if (!cockpit.live.get().strategies.some((p) => p.id === params.data.id)) return sendError(r, 404, 'UNKNOWN_PRESET', `no preset ${params.data.id}; presets: ${cockpit.live.get().strategies.map((p) => p.id).join(', ')}`);
    return enableDisable(params.data.id, params.data.action, request.body, r, 'http');
  });
  app.post('/symbols/:symbol/:action', { config: { access: 'control' } }, async (request, r) => {
    const params = SymbolParams.safeParse(request.params);
    if (!params.success) return sendError(r, 400, 'INVALID_PARAMS', 'path is invalid', issues(params.error));
    return enableDisable(params.data.symbol, params.data.action, request.body, r, 'http');
  });
}

export { DASHBOARD_WS_PATH };
