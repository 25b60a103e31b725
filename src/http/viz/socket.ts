import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { UpdateBatcher, realTimer, type BatchTimer, type VizBatch } from './batcher.ts';
import type { VizActorRow, VizTree } from './rows.ts';

export const VIZ_WS_PATH = '/viz/ws';
/** WebSocket paths served by other handlers on the same HTTP server; every other path is refused here. */
export const OTHER_SOCKET_PATHS: Set<string> = new Set();
/** Real-time spacing of batches: fast enough to feel live, slow enough for 2,000 actors. */
export const BATCH_INTERVAL_MS = 250;
/** A client this far behind is dropped; it reconnects and starts again from a snapshot. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface VizFeed {
  /** Every actor's current row, for a new client's first message. */
  rows(): VizActorRow[];
  rowOf(actorId: string): VizActorRow | undefined;
  tree(): VizTree;
  /** Called with the id of each actor that changed; returns an unsubscribe function. */
  onActorChange(listener: (actorId: string) => void): () => void;
  /**
   * Called when the system or a symbol supervisor may have changed, with the actors whose
   * rows depend on that change; returns an unsubscribe function.
   */
  onTreeChange(listener: (affectedActorIds: readonly string[]) => void): () => void;
}

export interface VizSnapshotMessage {
  readonly type: 'snapshot';
  readonly actors: readonly VizActorRow[];
  readonly tree: VizTree;
}

/**
 * The live feed of the visualiser: a `ws` server without its own HTTP server, attached to
 * Fastify's through the `upgrade` event for /viz/ws only. A new client gets a snapshot of
 * every actor, then batches of changed rows (see UpdateBatcher). Clients only listen.
 */
/** Decides whether an upgrade request may open the feed (Host, Origin, read token). */
export type SocketAuthorizer = (request: IncomingMessage) => { readonly status: number; readonly message: string } | null;

export function attachVizSocket(app: FastifyInstance, feed: VizFeed, timer: BatchTimer = realTimer, authorize?: SocketAuthorizer): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  const clients = new Set<WebSocket>();

  const publish = (batch: VizBatch): void => {
    const text = JSON.stringify(batch);
    for (const ws of clients) {
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) ws.terminate();
      else ws.send(text);
    }
  };
  const batcher = new UpdateBatcher({
    intervalMs: BATCH_INTERVAL_MS,
    timer,
    rowOf: feed.rowOf,
    tree: feed.tree,
    hasListeners: () => clients.size > 0,
    publish,
  });
  const unsubscribeActors = feed.onActorChange((id) => batcher.markActor(id));
  const unsubscribeTree = feed.onTreeChange((affected) => {
    batcher.markTree();
    for (const id of affected) batcher.markActor(id);
  });

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
    const snapshot: VizSnapshotMessage = { type: 'snapshot', actors: feed.rows(), tree: feed.tree() };
    ws.send(JSON.stringify(snapshot));
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== VIZ_WS_PATH) {
      // Another socket of this server (/dashboard/ws) answers its own path.
      if (OTHER_SOCKET_PATHS.has(path ?? '')) return;
      // Not ours: nobody else handles upgrades on this server, so refuse instead of hanging.
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const denial = authorize?.(request);
    if (denial) {
      // A cross-site page may not read the feed (cross-site WebSocket hijacking).
      socket.end(`HTTP/1.1 ${denial.status} Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${denial.message}\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  app.server.on('upgrade', onUpgrade);

  // Before Fastify closes its server: open sockets would otherwise keep close() waiting.
  app.addHook('preClose', async () => {
    unsubscribeActors();
    unsubscribeTree();
    batcher.stop();
    app.server.off('upgrade', onUpgrade);
    for (const ws of clients) ws.terminate();
    clients.clear();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
}
