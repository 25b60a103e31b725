import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DashboardFrame } from '../dashboard/frame.ts';
import { OTHER_SOCKET_PATHS } from './viz/socket.ts';

export const DASHBOARD_WS_PATH = '/dashboard/ws';

/** Decides whether an upgrade request may open the feed (the access policy plugs in here); null = allowed. */
export type SocketAuthorizer = (request: IncomingMessage) => { readonly status: number; readonly message: string } | null;

/**
 * The live feed of /dashboard: a frame right after connecting, then one every
 * `intervalMs` (wall clock) while at least one client listens. Clients only listen; a
 * client that falls far behind is dropped and reconnects.
 */
export function attachDashboardSocket(app: FastifyInstance, frame: () => Promise<DashboardFrame>, intervalMs: number, authorize?: SocketAuthorizer): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  const clients = new Set<WebSocket>();
  let timer: NodeJS.Timeout | undefined;
  let building = false;

  const publish = async (only?: WebSocket): Promise<void> => {
    if (building && !only) return;
    building = true;
    try {
      const text = JSON.stringify(await frame());
      for (const ws of only ? [only] : clients) {
        if (ws.bufferedAmount > 4 * 1024 * 1024) ws.terminate();
        else if (ws.readyState === ws.OPEN) ws.send(text);
      }
    } catch {
      // A frame that cannot be built is skipped; the next one tries again.
    } finally {
      building = false;
    }
  };
  const ensureTimer = (): void => {
    if (clients.size > 0 && !timer) timer = setInterval(() => void publish(), intervalMs);
    if (clients.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    const gone = () => {
      clients.delete(ws);
      ensureTimer();
    };
    ws.on('close', gone);
    ws.on('error', gone);
    ensureTimer();
    void publish(ws);
  });

  OTHER_SOCKET_PATHS.add(DASHBOARD_WS_PATH);
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if ((request.url ?? '').split('?')[0] !== DASHBOARD_WS_PATH) return;
    const denial = authorize?.(request);
    if (denial) {
      socket.end(`HTTP/1.1 ${denial.status} Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${denial.message}\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('preClose', async () => {
    if (timer) clearInterval(timer);
    app.server.off('upgrade', onUpgrade);
    for (const ws of clients) ws.terminate();
    clients.clear();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
}
