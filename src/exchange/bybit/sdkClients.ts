import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { DefaultLogger, RestClientV5, WebsocketClient } from 'bybit-api';
import { lazyPackage } from '../../lazyPackage.ts';
import type { Logger } from '../../observability/logger.ts';
import { sanitizeExchangeText, sanitizeValue, type Sanitizer } from './sanitize.ts';

/**
 * Construction of the bybit-api clients, the only module besides the stream wrapper that
 * touches the SDK's constructors. What we set and why:
 * - `networkOptions.timeout`: the SDK's default axios timeout is 5 minutes;
 * - our own http(s) agents: keep-alive, an injectable DNS `lookup` (tests map fake host
 *   names and inject DNS failures), and `destroy()` on shutdown so no socket outlives us;
 * - `syncTimeBeforePrivateRequests` + an overridden `fetchTimeOffset`: the SDK asks for
 *   the clock offset before each signature and we answer from our own measurement (no
 *   extra request, no console.error from the SDK's own sync);
 * - `parseAPIRateLimits`: the SDK copies X-Bapi-Limit-* headers into `rateLimitApi`;
 * - HMAC via node:crypto (synchronous, faster than WebCrypto).
 */
export interface Credentials {
  readonly apiKey: string;
  readonly apiSecret: string;
}

export const signHmac = (message: string, secret: string): Promise<string> =>
  Promise.resolve(createHmac('sha256', secret).update(message).digest('hex'));

/** The SDK, loaded when the first client is built (never in a run on the in-process simulator). */
export const bybitSdk = lazyPackage<typeof import('bybit-api')>('bybit-api');

type RestOptions = ConstructorParameters<typeof RestClientV5>[0];
type RestNetwork = ConstructorParameters<typeof RestClientV5>[1];

/** A REST client that takes the clock offset from our own measurement. */
export type SignedRestClient = RestClientV5;
let signedRestClient: (new (options: RestOptions, network: RestNetwork, offsetSource: () => number) => SignedRestClient) | undefined;

/** The subclass is made on first use: its base class comes from the lazily loaded SDK. */
function signedRestClientClass(): NonNullable<typeof signedRestClient> {
  signedRestClient ??= class extends bybitSdk().RestClientV5 {
    private readonly offsetSource: () => number;

    constructor(options: RestOptions, network: RestNetwork, offsetSource: () => number) {
      super(options, network);
      this.offsetSource = offsetSource;
    }

    override fetchTimeOffset(): Promise<number> {
      return Promise.resolve(this.offsetSource());
    }
  };
  return signedRestClient;
}

export interface HttpAgents {
  readonly http: http.Agent;
  readonly https: https.Agent;
  destroy(): void;
}

export function createAgents(lookup?: LookupFunction): HttpAgents {
  const options = { keepAlive: true, maxSockets: 16, ...(lookup ? { lookup } : {}) };
  const agents = { http: new http.Agent(options), https: new https.Agent(options) };
  return {
    ...agents,
    destroy() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

export interface RestClientOptions {
  readonly baseUrl: string;
  readonly credentials: Credentials | null;
  readonly recvWindowMs: number;
  readonly requestTimeoutMs: number;
  readonly agents: HttpAgents;
  readonly offsetMs: () => number;
}

export function createRestClient(o: RestClientOptions): SignedRestClient {
  const SignedRestClient = signedRestClientClass();
  return new SignedRestClient(
    {
      baseUrl: o.baseUrl.replace(/\/+$/, ''),
      ...(o.credentials ? { key: o.credentials.apiKey, secret: o.credentials.apiSecret, customSignMessageFn: signHmac } : {}),
      recv_window: o.recvWindowMs,
      enable_time_sync: false,
      syncTimeBeforePrivateRequests: true,
      parseAPIRateLimits: true,
      throwExceptions: false,
    },
    { timeout: o.requestTimeoutMs, httpAgent: o.agents.http, httpsAgent: o.agents.https, proxy: false },
    o.offsetMs,
  );
}

/**
 * Routes the SDK's console logging into pino at debug/warn. Its arguments are error
 * objects, strings and option objects that may hold the key, the secret or signed
 * requests: each is reduced to sanitized plain data (never "[object Object]").
 */
export function sdkLogger(logger: Logger, sanitize: Sanitizer = sanitizeExchangeText, closing: () => boolean = () => false): DefaultLogger {
  const describe = (params: unknown[]): { text: string; params: unknown[] } => {
    const clean = params.map((p) => sanitizeValue(p, sanitize));
    // The SDK sometimes interpolates an object into its own message text.
    const text = clean
      .map((p) => (typeof p === 'string' ? p : JSON.stringify(p)))
      .join(' ')
      .replaceAll('[object Object]', '(error object)');
    return { text: text.length > 300 ? `${text.slice(0, 300)}...` : text, params: clean };
  };
  return {
    trace: () => undefined,
    info: (...params: unknown[]) => {
      const d = describe(params);
      logger.debug({ event: 'bybit_sdk', params: d.params }, `bybit-api: ${d.text}`);
    },
    error: (...params: unknown[]) => {
      const d = describe(params);
      // Sockets we are closing ourselves (shutdown, a failed start) report errors: not news.
      if (closing()) logger.debug({ event: 'bybit_sdk', params: d.params }, `bybit-api: ${d.text}`);
      else logger.warn({ event: 'bybit_sdk', params: d.params }, `bybit-api: ${d.text}`);
    },
  };
}

export interface WsClientOptions {
  readonly wsUrl: string;
  readonly credentials: Credentials | null;
  readonly recvWindowMs: number;
  readonly lookup?: LookupFunction;
  readonly logger: Logger;
  readonly sanitize?: Sanitizer;
  /** True once the adapter is closing: the SDK's errors about our own closing sockets go to debug. */
  readonly closing?: () => boolean;
}

export function createWsClient(o: WsClientOptions): WebsocketClient {
  return new (bybitSdk().WebsocketClient)(
    {
      wsUrl: o.wsUrl,
      market: 'v5',
      recvWindow: o.recvWindowMs,
      ...(o.credentials ? { key: o.credentials.apiKey, secret: o.credentials.apiSecret, customSignMessageFn: signHmac } : {}),
      ...(o.lookup ? { wsOptions: { lookup: o.lookup } } : {}),
    },
    sdkLogger(o.logger, o.sanitize, o.closing),
  );
}
