import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { projectPath } from '../../projectRoot.ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { MACHINE_NAMES, isMachineName, machineGraphOf, machineList } from '../../viz/machineCatalog.ts';
import { attachVizSocket, VIZ_WS_PATH, type SocketAuthorizer, type VizFeed } from './socket.ts';

/** The page's files ship in the repository (no CDN, works offline) and are read once at start. */
const PUBLIC_DIR = projectPath('src/viz/public/');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const AssetParams = z.strictObject({ file: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]*\.(js|css|svg|png)$/) });
const GraphParams = z.strictObject({ name: z.string().min(1).max(64) });

interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

function loadAssets(): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of readdirSync(PUBLIC_DIR)) {
    const contentType = CONTENT_TYPES[extname(file)];
    if (contentType) assets.set(file, { body: readFileSync(`${PUBLIC_DIR}${file}`), contentType });
  }
  return assets;
}

type SendError = (reply: FastifyReply, status: number, code: string, message: string, details?: unknown) => FastifyReply;

/**
 * The statechart visualiser (GitHub issue 6): the page at /viz with its assets, the live
 * feed at /viz/ws, and the machine graphs as JSON for tools (/machines, /machines/:name/graph).
 */
export function registerVizRoutes(app: FastifyInstance, feed: VizFeed, sendError: SendError, authorizeSocket?: SocketAuthorizer): void {
  const assets = loadAssets();
  const page = assets.get('index.html');

  // The page, its assets and the machine graphs hold no account data; the live feed does (read access).
  const open = { config: { access: 'public' as const } };
  app.get('/viz', open, async (_request, reply) => {
    if (!page) return sendError(reply, 500, 'VIZ_MISSING', 'src/viz/public/index.html is missing');
    return reply.header('content-type', page.contentType).header('cache-control', 'no-cache').send(page.body);
  });
  app.get('/viz/', open, async (_request, reply) => reply.redirect('/viz'));

  app.get('/viz/assets/:file', open, async (request, reply) => {
    const parsed = AssetParams.safeParse(request.params);
    const asset = parsed.success ? assets.get(parsed.data.file) : undefined;
    if (!asset) return sendError(reply, 404, 'UNKNOWN_ASSET', `no visualiser asset ${String((request.params as { file?: unknown }).file)}`);
    return reply.header('content-type', asset.contentType).header('cache-control', 'no-cache').send(asset.body);
  });

  app.get('/machines', open, async () => ({ machines: machineList(), websocket: VIZ_WS_PATH }));

  app.get('/machines/:name/graph', open, async (request, reply) => {
    const parsed = GraphParams.safeParse(request.params);
    const name = parsed.success ? parsed.data.name : '';
    if (!isMachineName(name)) {
      return sendError(reply, 404, 'UNKNOWN_MACHINE', `no machine ${JSON.stringify(name)}; known machines: ${MACHINE_NAMES.join(', ')}`);
    }
    return machineGraphOf(name);
  });

  attachVizSocket(app, feed, undefined, authorizeSocket);
}
