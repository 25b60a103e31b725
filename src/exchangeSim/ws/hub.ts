import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { verifyWsAuth, type ExchangeSimAccount } from '../auth.ts';
import type { SimDeps } from '../context.ts';
import { commandAck, pongFrame } from './acks.ts';
import { styleOfPath, WsConnection } from './connection.ts';
import { parseTopic, type ParsedTopic, type PrivateTopic } from './topics.ts';
import type { RateLimiter } from '../rateLimit.ts';
import { tradeAuth, tradeOp, tradePong, type TradeApiContext } from './tradeApi.ts';

export type SubscribeListener = (connection: WsConnection, topic: string, parsed: ParsedTopic) => void;

/**
 * The WebSocket side: accepts every path (bybit-api's single `wsUrl` is used for every
 * stream), answers ping/auth/subscribe/unsubscribe in Bybit's per-stream shapes, and fans
 * out pushes to the subscribed sockets.
 */
export class WsHub {
  readonly connections = new Set<WsConnection>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private nextId = 1;
  private seq = 1;
  private readonly subscribeListeners = new Set<SubscribeListener>();
  private readonly trade: TradeApiContext;

  constructor(
    private readonly deps: SimDeps,
    private readonly accounts: ReadonlyMap<string, ExchangeSimAccount>,
    limiter: RateLimiter,
    private readonly logger?: Logger,
  ) {
    this.trade = { deps, accounts, limiter };
  }

  onSubscribe(listener: SubscribeListener): void {
    this.subscribeListeners.add(listener);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Exchange down: refuse the handshake by dropping the socket, as a dead host would.
    if (this.deps.faults.get().down) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const connection = new WsConnection(`sim-${this.nextId++}`, ws, styleOfPath(path));
    this.connections.add(connection);
    ws.on('message', (data) => this.onMessage(connection, data));
    ws.on('close', () => this.connections.delete(connection));
    ws.on('error', (error) => this.logger?.debug({ err: error, conn: connection.id }, 'exchange-sim ws error'));
  }

  private onMessage(c: WsConnection, data: RawData): void {
    let message: { op?: unknown; args?: unknown; req_id?: unknown; reqId?: unknown; header?: unknown };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      c.send({ success: false, ret_msg: 'error:invalid json', conn_id: c.id, op: '' });
      return;
    }
    const op = typeof message.op === 'string' ? message.op : '';
    const args = Array.isArray(message.args) ? (message.args as unknown[]) : [];
    const reqId = message.req_id;
    const wallNow = this.deps.wallNow();
    if (c.style === 'trade') {
      if (op === 'ping') c.send(tradePong(c, message.reqId ?? reqId, wallNow));
      else if (op === 'auth') c.send(tradeAuth(c, args, this.trade, message.reqId ?? reqId));
      else c.send(tradeOp(c, { op, reqId: message.reqId, args, header: message.header }, this.trade, c.reqIds));
      return;
    }
    switch (op) {
      case 'ping':
        c.send(pongFrame(c, reqId, wallNow));
        return;
      case 'auth': {
        const account = this.deps.faults.get().authRejected ? null : verifyWsAuth(args, this.accounts, wallNow);
        // Repeated auth is tolerated (bybit-api may send it twice on the trade stream).
        if (account) c.authenticated = true;
        c.send(commandAck(c, 'auth', reqId, account !== null, account ? '' : 'Params Error'));
        return;
      }
      case 'subscribe':
      case 'unsubscribe':
        this.onSubscription(c, op, args, reqId);
        return;
      default:
        if (op.startsWith('order.')) {
          // Bybit serves the order ops on /v5/trade only.
          c.send({ reqId: message.reqId, retCode: 10404, retMsg: `op ${op} is only served on /v5/trade`, op, data: {}, retExtInfo: {}, header: {}, connId: c.id });
          return;
        }
        c.send({ success: false, ret_msg: `error:invalid op ${op}`, conn_id: c.id, ...(reqId === undefined ? {} : { req_id: reqId }), op });
    }
  }

  private onSubscription(c: WsConnection, op: 'subscribe' | 'unsubscribe', args: unknown[], reqId: unknown): void {
    const failures: string[] = [];
    const added: Array<[string, ParsedTopic]> = [];
    for (const arg of args) {
      const topic = String(arg);
      const parsed = parseTopic(topic);
      if (op === 'unsubscribe') {
        c.topics.delete(topic);
        continue;
      }
      if (!parsed || !this.symbolExists(parsed)) failures.push(`error:handler not found,topic:${topic}`);
      else if (parsed.kind === 'private' && !c.authenticated) failures.push(`error:topic:${topic} needs auth first`);
      else if (c.topics.has(topic)) failures.push(`error:already subscribed,topic:${topic}`);
      else {
        c.topics.add(topic);
        added.push([topic, parsed]);
      }
    }
    c.send(commandAck(c, op, reqId, failures.length === 0, failures[0] ?? ''));
    for (const [topic, parsed] of added) for (const listener of this.subscribeListeners) listener(c, topic, parsed);
  }

  private symbolExists(parsed: ParsedTopic): boolean {
    if (parsed.kind === 'private') return true;
    try {
      this.deps.sim.market.instrument(parsed.symbol);
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a public frame to every socket subscribed to `topic`. */
  publish(topic: string, frame: unknown): void {
    for (const c of this.connections) if (c.topics.has(topic)) c.send(frame);
  }

  /** Sends a private push to authenticated sockets subscribed to `topic` or `topic.linear`. */
  publishPrivate(topic: PrivateTopic, data: unknown[]): void {
    for (const c of this.connections) {
      if (!c.authenticated) continue;
      const name = c.topics.has(topic) ? topic : c.topics.has(`${topic}.linear`) ? `${topic}.linear` : null;
      if (name) c.send({ id: `${c.id}-${this.seq++}`, topic: name, creationTime: this.deps.clock.now(), data });
    }
  }

  /** WS-disconnect fault and shutdown: drop every socket at once (no close handshake). */
  dropAll(): number {
    const count = this.connections.size;
    for (const c of this.connections) c.socket.terminate();
    this.connections.clear();
    return count;
  }

  close(): void {
    this.dropAll();
    this.wss.close();
  }
}
