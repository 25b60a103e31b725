import type { ZodType } from 'zod';
import { BybotError, ERROR_CODES, InvalidResponseError, RateLimitError, TimeoutError, toBybotError } from '../../domain/errors.ts';
import type { Random } from '../../core/rng.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../observability/logger.ts';
import type { AlertReason, ChannelAlerts } from './channelAlerts.ts';
import type { ClockSync } from './clockSync.ts';
import { EndpointPool } from './endpoints.ts';
import { parseLimitHeaders, RateLimiter, type LimitGroup } from './rateLimiter.ts';
import { errorFromRetCode } from './retCodes.ts';
import { withRetry, type RetryPolicy } from './retry.ts';
import { EnvelopeSchema, ServerTimeSchema } from './schemas.ts';
import { fromTransportError, isFailoverError, transportKind } from './transportErrors.ts';
import { sanitizeExchangeText, type Sanitizer } from './sanitize.ts';

/**
 * One REST request through the resilience stack: rate limiter (priority by group) ->
 * endpoint pool (failover on DNS / connect / timeout) -> the SDK call under a hard
 * deadline -> envelope and retCode check -> zod parse of `result`. Retries of transient
 * failures with backoff are layered on top (`requestWithRetry`); order creation composes
 * its own retry loop because an unknown outcome must be looked up first.
 */
export interface RestRequest<T> {
  readonly operation: string;
  readonly method: 'GET' | 'POST';
  readonly endpoint: string;
  /** Signed (private) endpoint. */
  readonly auth: boolean;
  readonly params: Readonly<Record<string, unknown>>;
  readonly group: LimitGroup;
  readonly schema: ZodType<T>;
  /**
   * Safe to send twice. A non-idempotent request (order create) that timed out is not
   * re-sent to another endpoint here: the caller must first find out whether it landed.
   */
  readonly idempotent: boolean;
  /** retCodes that mean "already in that state" and count as success (result undefined). */
  readonly acceptCodes?: ReadonlySet<number>;
  readonly signal?: AbortSignal;
}

export interface RestResult<T> {
  /** Undefined when an accepted "not modified" code answered. */
  readonly result: T | undefined;
  /** Envelope time (server ms), or 0 when absent. */
  readonly time: number;
}

/** What the port needs from a transport; tests substitute a fake. */
export interface RestTransport {
  request<T>(spec: RestRequest<T>): Promise<RestResult<T>>;
  requestWithRetry<T>(spec: RestRequest<T>): Promise<RestResult<T>>;
  /** Measures the clock offset from GET /v5/market/time; returns the server time. */
  syncClock(signal?: AbortSignal): Promise<number>;
  readonly retryPolicy: RetryPolicy;
}

/** The slice of the SDK client used here (the generic signed/unsigned request helpers). */
export interface SdkRestClient {
  get(endpoint: string, params?: unknown): Promise<unknown>;
  getPrivate(endpoint: string, params?: unknown): Promise<unknown>;
  postPrivate(endpoint: string, params?: unknown): Promise<unknown>;
}

export interface BybitRestTransportOptions {
  readonly clients: ReadonlyMap<string, SdkRestClient>;
  readonly pool: EndpointPool;
  readonly limiter: RateLimiter;
  readonly clockSync: ClockSync;
  /** Domain clock: backoff sleeps. */
  readonly clock: Clock;
  /** Wall clock: request deadlines. */
  readonly timers: Clock;
  readonly random: Random;
  readonly retryPolicy: RetryPolicy;
  readonly requestTimeoutMs: number;
  readonly alerts: ChannelAlerts;
  readonly logger: Logger;
  readonly onRetry?: (operation: string, error: BybotError) => void;
  /** Per-endpoint HTTP metrics (/metrics); optional so unit tests can leave them out. */
  readonly metrics?: TransportMetrics;
  /** Cleans exchange text of credentials before it becomes an error message (default: pattern rules only). */
  readonly sanitize?: Sanitizer;
}

/** The slices of the prom-client metrics the transport feeds. */
export interface TransportMetrics {
  /** bybot_bybit_http_requests_total{endpoint,path,result} */
  readonly requests: { inc(labels: { endpoint: string; path: string; result: string }): void };
  /** bybot_bybit_http_request_duration_seconds{endpoint,path} */
  readonly duration: { observe(labels: { endpoint: string; path: string }, seconds: number): void };
  /** bybot_rate_limit_remaining{group,source="server"} from X-Bapi-Limit-Status. */
  readonly rateLimitRemaining: { set(labels: { group: string; source: string }, value: number): void };
}

const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

export class BybitRestTransport implements RestTransport {
  readonly retryPolicy: RetryPolicy;

  private readonly sanitize: Sanitizer;

  constructor(private readonly o: BybitRestTransportOptions) {
    this.retryPolicy = o.retryPolicy;
    this.sanitize = o.sanitize ?? sanitizeExchangeText;
  }

  async request<T>(spec: RestRequest<T>): Promise<RestResult<T>> {
    const release = await this.o.limiter.acquire(spec.group, spec.signal, spec.endpoint);
    let raw: unknown;
    try {
      raw = await this.sendWithFailover(spec);
    } finally {
      release();
    }
    return this.interpret(raw, spec);
  }

  /**
   * One request sent over another channel (the WS trade API, wsOrderTransport.ts): the same
   * rate-limit budget and the same envelope, retCode and schema checks as a REST answer.
   * `send` resolves with an envelope ({retCode, retMsg, result, time, rateLimitApi}).
   */
  async requestOver<T>(spec: RestRequest<T>, send: () => Promise<unknown>): Promise<RestResult<T>> {
    const release = await this.o.limiter.acquire(spec.group, spec.signal, spec.endpoint);
    let raw: unknown;
    try {
      raw = await send();
    } finally {
      release();
    }
    return this.interpret(raw, spec);
  }

  requestWithRetry<T>(spec: RestRequest<T>): Promise<RestResult<T>> {
    return withRetry(() => this.request(spec), {
      clock: this.o.clock,
      random: this.o.random,
      policy: this.o.retryPolicy,
      ...(spec.signal ? { signal: spec.signal } : {}),
      onRetry: (error, attempt, delayMs) => {
        this.o.onRetry?.(spec.operation, error);
        this.o.logger.debug({ event: 'exchange_retry', operation: spec.operation, attempt, delayMs, code: error.code }, `retrying ${spec.operation}`);
      },
    });
  }

  async syncClock(signal?: AbortSignal): Promise<number> {
    let serverTime = 0;
    await this.o.clockSync.measure(async () => {
      const { time } = await this.request({
        operation: 'serverTime',
        method: 'GET',
        endpoint: '/v5/market/time',
        auth: false,
        params: {},
        group: 'market',
        schema: ServerTimeSchema,
        idempotent: true,
        ...(signal ? { signal } : {}),
      });
      serverTime = time;
      return time;
    });
    return serverTime;
  }

  private async sendWithFailover<T>(spec: RestRequest<T>): Promise<unknown> {
    let lastError: BybotError | undefined;
    for (const url of this.o.pool.candidates()) {
      const started = this.o.timers.now();
      try {
        const raw = await this.send(url, spec);
        this.record(url, spec.endpoint, started, httpResult(raw));
        this.o.pool.markSuccess(url);
        return raw;
      } catch (error) {
        this.observeErrorHeaders(spec.group, error);
        const typed = fromTransportError(error, spec.operation, url, spec.signal, this.sanitize);
        this.record(url, spec.endpoint, started, typed.code === ERROR_CODES.RATE_LIMITED ? 'rate_limited' : (transportKind(typed) ?? typed.code.toLowerCase()));
        this.alertFor(typed, url);
        if (!isFailoverError(typed)) throw typed;
        this.o.pool.markFailure(url, typed.message);
        lastError = typed;
        if (!spec.idempotent && transportKind(typed) === 'timeout') throw typed;
      }
    }
    throw lastError ?? new BybotError(ERROR_CODES.EXCHANGE_UNAVAILABLE, `${spec.operation}: no endpoint`, 'strategy', true);
  }

  private record(endpoint: string, path: string, started: number, result: string): void {
    const m = this.o.metrics;
    if (!m) return;
    m.requests.inc({ endpoint, path, result });
    m.duration.observe({ endpoint, path }, Math.max(0, this.o.timers.now() - started) / 1000);
  }

  /** One HTTP exchange with a hard wall-clock deadline and the caller's abort signal. */
  private send<T>(url: string, spec: RestRequest<T>): Promise<unknown> {
    const client = this.o.clients.get(url);
    if (!client) return Promise.reject(new Error(`no client for ${url}`));
    const signal = spec.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    // The SDK deletes undefined keys from the object it is given: hand it a copy.
    const params = { ...spec.params };
    const call =
      spec.method === 'POST' ? client.postPrivate(spec.endpoint, params) : spec.auth ? client.getPrivate(spec.endpoint, params) : client.get(spec.endpoint, params);
    return new Promise((resolve, reject) => {
      const timer = this.o.timers.setTimeout(() => {
        cleanup();
        reject(new TimeoutError(`${spec.operation} timed out after ${this.o.requestTimeoutMs} ms`, { details: { operation: spec.operation, endpoint: url, transport: 'timeout' } }));
      }, this.o.requestTimeoutMs + 50);
      const onAbort = (): void => {
        cleanup();
        reject(signal?.reason);
      };
      const cleanup = (): void => {
        this.o.timers.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      call.then(
        (value) => {
          cleanup();
          resolve(value);
        },
        (error: unknown) => {
          cleanup();
          reject(error);
        },
      );
    });
  }

  private async interpret<T>(raw: unknown, spec: RestRequest<T>): Promise<RestResult<T>> {
    const envelope = EnvelopeSchema.safeParse(raw);
    if (!envelope.success) {
      throw new InvalidResponseError(`${spec.operation}: response is not a Bybit envelope`, { details: { operation: spec.operation, issues: envelope.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`) } });
    }
    const { retCode, retMsg, result, time, rateLimitApi } = envelope.data;
    if (rateLimitApi) {
      const resetInMs = rateLimitApi.resetAtTimestamp - this.o.clockSync.serverNow();
      this.o.limiter.observe(spec.group, { remaining: rateLimitApi.remainingRequests, limit: rateLimitApi.maxRequests, resetInMs });
      this.o.metrics?.rateLimitRemaining.set({ group: spec.group, source: 'server' }, rateLimitApi.remainingRequests);
    }
    if (retCode === 0) {
      const parsed = spec.schema.safeParse(result);
      if (!parsed.success) {
        throw new InvalidResponseError(`${spec.operation}: unexpected result shape`, {
          details: { operation: spec.operation, issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) },
        });
      }
      return { result: parsed.data, time: time ?? 0 };
    }
    if (spec.acceptCodes?.has(retCode)) return { result: undefined, time: time ?? 0 };

    const retryAfterMs = rateLimitApi ? Math.max(0, rateLimitApi.resetAtTimestamp - this.o.clockSync.serverNow()) : undefined;
    const error = errorFromRetCode(retCode, retMsg, { operation: spec.operation, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }, this.sanitize);
    if (error instanceof RateLimitError) this.o.limiter.block(spec.group, retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS);
    if (error.code === ERROR_CODES.CLOCK_SKEW) {
      // Resync before the caller retries, so the retry is signed with the corrected offset.
      await this.syncClock(spec.signal).catch((e: unknown) => this.o.logger.warn({ event: 'clock_sync_failed', err: toBybotError(e).message }, 'clock resync failed'));
      this.o.logger.warn({ event: 'clock_resync', operation: spec.operation, offsetMs: this.o.clockSync.offsetMs() }, 'request timestamp rejected (10002): clock offset re-measured');
    }
    this.alertFor(error, undefined);
    throw error;
  }

  /** Non-2xx answers arrive as plain objects with the raw headers: read X-Bapi-Limit-* there ourselves. */
  private observeErrorHeaders(group: LimitGroup, error: unknown): void {
    const headers = error !== null && typeof error === 'object' ? (error as { headers?: unknown }).headers : undefined;
    const status = headers && typeof headers === 'object' ? parseLimitHeaders(headers as Record<string, unknown>) : undefined;
    if (!status) return;
    this.o.limiter.observe(group, { remaining: status.remaining, limit: status.limit, resetInMs: status.resetAt - this.o.clockSync.serverNow() });
    this.o.metrics?.rateLimitRemaining.set({ group, source: 'server' }, status.remaining);
  }

  private alertFor(error: BybotError, endpoint: string | undefined): void {
    const reason = alertReason(error);
    if (!reason) return;
    this.o.alerts.raise('rest', reason, error.message, { code: error.code, ...(endpoint ? { endpoint } : {}), ...pick(error.details, ['retCode', 'httpStatus', 'operation']) });
  }
}

/** `ok`, or `ret_<retCode>` for a business error answered with HTTP 200. */
function httpResult(raw: unknown): string {
  const retCode = raw !== null && typeof raw === 'object' ? (raw as { retCode?: unknown }).retCode : undefined;
  if (retCode === 0) return 'ok';
  return typeof retCode === 'number' && Number.isInteger(retCode) ? `ret_${retCode}` : 'invalid';
}

function alertReason(error: BybotError): AlertReason | undefined {
  switch (error.code) {
    case ERROR_CODES.AUTH_REJECTED:
      return 'auth';
    case ERROR_CODES.RATE_LIMITED:
      return 'rate_limit';
    case ERROR_CODES.CLOCK_SKEW:
      return 'clock_skew';
    case ERROR_CODES.TIMEOUT:
      return 'timeout';
    case ERROR_CODES.EXCHANGE_UNAVAILABLE: {
      const kind = transportKind(error);
      return kind === 'dns' ? 'dns' : kind === 'server' ? 'server_error' : 'connect';
    }
    default:
      return undefined;
  }
}

function pick(source: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}
