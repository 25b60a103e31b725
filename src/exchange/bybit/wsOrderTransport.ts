import type { WebsocketClient } from 'bybit-api';
import { bybitSdk } from './sdkClients.ts';
import { ExchangeUnavailableError, TimeoutError } from '../../domain/errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../observability/logger.ts';
import type { RestRequest, RestResult, RestTransport } from './restTransport.ts';
import type { BybitRestTransport } from './restTransport.ts';
import { withRetry } from './retry.ts';
import type { Random } from '../../core/rng.ts';

/** REST order endpoints and the WS trade API op that does the same (Bybit websocket/trade/guideline). */
const WS_OPS: Readonly<Record<string, 'order.create' | 'order.amend' | 'order.cancel'>> = {
  '/v5/order/create': 'order.create',
  '/v5/order/amend': 'order.amend',
  '/v5/order/cancel': 'order.cancel',
};

export interface WsOrderTransportOptions {
  readonly rest: BybitRestTransport;
  /** A WebsocketClient whose wsUrl is the venue's `/v5/trade` stream, with the account's keys. */
  readonly client: WebsocketClient;
  /** Wall clock: the reply deadline and the REST fallback period. */
  readonly timers: Clock;
  readonly clock: Clock;
  readonly random: Random;
  readonly requestTimeoutMs: number;
  /** After a WS failure, orders go over REST for this long before the WS is tried again. */
  readonly fallbackMs: number;
  readonly logger: Logger;
}

/** What bybit-api resolves (retCode 0) or rejects (retCode != 0) a WS API call with. */
interface WsApiFrame {
  readonly retCode: number;
  readonly retMsg?: string;
  readonly data?: unknown;
  readonly header?: Record<string, string | undefined>;
}

function isFrame(value: unknown): value is WsApiFrame {
  return value !== null && typeof value === 'object' && typeof (value as { retCode?: unknown }).retCode === 'number';
}

/** The frame as the REST envelope the transport checks (rate-limit figures from its `header`). */
function envelopeOf(frame: WsApiFrame): Record<string, unknown> {
  const h = frame.header ?? {};
  const limit = Number(h['X-Bapi-Limit']);
  const status = Number(h['X-Bapi-Limit-Status']);
  const reset = Number(h['X-Bapi-Limit-Reset-Timestamp']);
  const time = Number(h['Timenow']);
  return {
    retCode: frame.retCode,
    retMsg: frame.retMsg ?? '',
    result: frame.data ?? {},
    ...(Number.isFinite(time) ? { time } : {}),
    ...(Number.isFinite(limit) && Number.isFinite(status) && Number.isFinite(reset) ? { rateLimitApi: { remainingRequests: status, maxRequests: limit, resetAtTimestamp: reset } } : {}),
  };
}

/**
 * `exchange.orderTransport: ws`: order create, amend and cancel go over Bybit's WebSocket
 * trade API (`/v5/trade`), everything else over REST. Each WS call passes the REST
 * transport's rate limiter and is checked exactly like a REST answer (retCode table, zod
 * schema). REST is the fallback: when the trade socket cannot be used (not connected, auth
 * failed, dropped mid-call, no reply within the request timeout) the call fails as an
 * unknown outcome (the order path then looks the order up by orderLinkId before any retry)
 * and orders go over REST for `fallbackMs`, then the WS is tried again.
 */
export class WsOrderTransport implements RestTransport {
  readonly retryPolicy: RestTransport['retryPolicy'];
  private restUntil = 0;
  private client: WebsocketClient;

  constructor(private readonly o: WsOrderTransportOptions) {
    this.retryPolicy = o.rest.retryPolicy;
    this.client = o.client;
  }

  /** A key rotation: later order calls go over this client (it authenticates with the new key on first use); the old one is closed. */
  replaceClient(client: WebsocketClient): void {
    const old = this.client;
    this.client = client;
    old.removeAllListeners();
    old.closeAll(true);
  }

  /** Closes the trade socket (shutdown). */
  close(): void {
    this.client.closeAll(true);
  }

  /** True while orders go over REST after a WS failure. */
  fallingBack(): boolean {
    return this.o.timers.now() < this.restUntil;
  }

  async request<T>(spec: RestRequest<T>): Promise<RestResult<T>> {
    const op = spec.method === 'POST' ? WS_OPS[spec.endpoint] : undefined;
    if (!op || this.fallingBack()) return this.o.rest.request(spec);
    // Nothing has been sent until the socket is open and authenticated: a failure here is a
    // known outcome, so the order goes over REST at once.
    if (!(await this.ready(spec.operation))) return this.o.rest.request(spec);
    return this.o.rest.requestOver(spec, () => this.send(op, spec));
  }

  /** Opens and authenticates the trade socket (or finds it so) within the request timeout. */
  private async ready(operation: string): Promise<boolean> {
    const key = bybitSdk().WS_KEY_MAP.v5PrivateTrade;
    if (this.client.isConnected(key)) return true;
    let timer: unknown;
    try {
      await Promise.race([
        (async () => {
          await this.client.assertIsConnected(key);
          await this.client.assertIsAuthenticated(key);
        })(),
        new Promise<never>((_, reject) => {
          timer = this.o.timers.setTimeout(() => reject(new Error(`the WS trade API did not connect within ${this.o.requestTimeoutMs} ms`)), this.o.requestTimeoutMs);
        }),
      ]);
      return true;
    } catch (error) {
      this.fallBack(operation, error);
      return false;
    } finally {
      this.o.timers.clearTimeout(timer);
    }
  }

  private fallBack(operation: string, error: unknown): string {
    this.restUntil = this.o.timers.now() + this.o.fallbackMs;
    const reason = error instanceof Error ? error.message : typeof error === 'string' ? error : 'WS trade API call failed';
    this.o.logger.warn({ event: 'ws_order_fallback', operation, err: reason, fallbackMs: this.o.fallbackMs }, `${operation} cannot use the WS trade API (${reason}); orders go over REST for ${this.o.fallbackMs} ms`);
    return reason;
  }

  requestWithRetry<T>(spec: RestRequest<T>): Promise<RestResult<T>> {
    return withRetry(() => this.request(spec), { clock: this.o.clock, random: this.o.random, policy: this.retryPolicy, ...(spec.signal ? { signal: spec.signal } : {}) });
  }

  syncClock(signal?: AbortSignal): Promise<number> {
    return this.o.rest.syncClock(signal);
  }

  private async send(op: 'order.create' | 'order.amend' | 'order.cancel', spec: RestRequest<unknown>): Promise<unknown> {
    // The SDK deletes undefined keys from what it is given: hand it a copy without them.
    const params = Object.fromEntries(Object.entries(spec.params).filter(([, v]) => v !== undefined));
    const call = this.client.sendWSAPIRequest(bybitSdk().WS_KEY_MAP.v5PrivateTrade, op, params as never) as Promise<unknown>;
    let timer: unknown;
    const deadline = new Promise<never>((_, reject) => {
      timer = this.o.timers.setTimeout(() => reject(new TimeoutError(`${spec.operation} over the WS trade API timed out after ${this.o.requestTimeoutMs} ms`, { details: { operation: spec.operation, transport: 'timeout' } })), this.o.requestTimeoutMs);
    });
    try {
      const frame = await Promise.race([call, deadline]);
      if (isFrame(frame)) return envelopeOf(frame);
      throw new Error('WS trade API answered without a retCode');
    } catch (error) {
      if (isFrame(error)) return envelopeOf(error);
      const reason = this.fallBack(spec.operation, error);
      if (error instanceof TimeoutError) throw error;
      // The frame may have been sent before the socket failed: an unknown outcome, like a REST timeout.
      throw new ExchangeUnavailableError(`${spec.operation} over the WS trade API failed: ${reason}`, { details: { operation: spec.operation, transport: 'connect' } });
    } finally {
      this.o.timers.clearTimeout(timer);
    }
  }
}
