import {
  AbortedError,
  AuthError,
  BybotError,
  ExchangeUnavailableError,
  InvalidRequestError,
  RateLimitError,
  TimeoutError,
} from '../../domain/errors.ts';
import { sanitizeExchangeText, type Sanitizer } from './sanitize.ts';

/**
 * bybit-api rejects with whatever axios gave it: a plain object `{code: <http status>,
 * message, body, headers}` for non-2xx answers, the axios error for network failures, or a
 * bare string when the request could not even be built. This turns each into a BybotError
 * whose `details.transport` says what failed, which is what failover and alerts key on.
 */
export type TransportKind = 'dns' | 'connect' | 'timeout' | 'http' | 'server' | 'aborted';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'ERR_NETWORK']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
/** The IP rate limit answers HTTP 403 and bans for about 10 minutes (Bybit rate-limit docs). */
const IP_BAN_WAIT_MS = 60_000;

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
}

function errorCode(value: Record<string, unknown>): string | undefined {
  if (typeof value.code === 'string') return value.code;
  const cause = record(value.cause);
  return cause && typeof cause.code === 'string' ? cause.code : undefined;
}

export function transportKind(error: unknown): TransportKind | undefined {
  if (!(error instanceof BybotError)) return undefined;
  const kind = error.details.transport;
  return typeof kind === 'string' ? (kind as TransportKind) : undefined;
}

/** DNS failures, refused/reset connections and timeouts move traffic to the next endpoint. */
export function isFailoverError(error: unknown): boolean {
  const kind = transportKind(error);
  return kind === 'dns' || kind === 'connect' || kind === 'timeout';
}

/**
 * The SDK's and axios's error objects carry the request (headers with the API key and the
 * signature): they never become a `cause`, and every message is sanitized.
 */
export function fromTransportError(error: unknown, operation: string, endpoint: string, signal?: AbortSignal, sanitize: Sanitizer = sanitizeExchangeText): BybotError {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof BybotError ? reason : new AbortedError(`${operation} aborted`, { cause: reason, details: { operation, transport: 'aborted' } });
  }
  if (error instanceof BybotError) return error;
  const base = { operation, endpoint };

  if (typeof error === 'string') {
    const text = sanitize(error);
    const kind: TransportKind = /ENOTFOUND|EAI_AGAIN/.test(text) ? 'dns' : /timeout/i.test(text) ? 'timeout' : 'connect';
    return kind === 'timeout'
      ? new TimeoutError(`${operation}: ${text}`, { details: { ...base, transport: kind } })
      : new ExchangeUnavailableError(`${operation}: ${text}`, { details: { ...base, transport: kind } });
  }

  const obj = record(error);
  if (obj && typeof obj.code === 'number') {
    // A non-2xx HTTP answer, already flattened by the SDK's parseException.
    const status = obj.code;
    const details = { ...base, httpStatus: status, transport: 'http' as TransportKind };
    const text = `${operation}: HTTP ${status} ${typeof obj.message === 'string' ? sanitize(obj.message) : ''}`.trim();
    if (status === 401) return new AuthError(text, { details });
    if (status === 403) return new RateLimitError(`${text} (IP rate limit or region block)`, IP_BAN_WAIT_MS, { details });
    if (status === 429) return new RateLimitError(text, 1_000, { details });
    if (status >= 500) return new ExchangeUnavailableError(text, { details: { ...details, transport: 'server' } });
    return new InvalidRequestError(text, { details });
  }

  if (obj) {
    const code = errorCode(obj);
    const message = sanitize(typeof obj.message === 'string' ? obj.message : String(code ?? 'network error'));
    if (code === 'ERR_CANCELED') return new AbortedError(`${operation} aborted`, { details: { ...base, transport: 'aborted' } });
    if (code && TIMEOUT_CODES.has(code)) return new TimeoutError(`${operation} timed out (${message})`, { details: { ...base, transport: 'timeout', errno: code } });
    if (code && DNS_CODES.has(code)) return new ExchangeUnavailableError(`${operation}: DNS lookup failed (${message})`, { details: { ...base, transport: 'dns', errno: code } });
    if (code && CONNECT_CODES.has(code)) return new ExchangeUnavailableError(`${operation}: connection failed (${message})`, { details: { ...base, transport: 'connect', errno: code } });
    return new ExchangeUnavailableError(`${operation}: ${message}`, { details: { ...base, transport: 'connect', errno: code ?? null } });
  }
  return new ExchangeUnavailableError(`${operation}: ${sanitize(String(error))}`, { details: { ...base, transport: 'connect' } });
}
