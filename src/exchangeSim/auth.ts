import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { BybitApiError } from './envelope.ts';

export interface ExchangeSimAccount {
  readonly apiKey: string;
  readonly apiSecret: string;
  /** Shown in the order submission log instead of the key (tests tell blue and green apart). */
  readonly label?: string;
  /** query-api `expiredAt` of this key (ISO-8601, in the simulator's clock); absent = never expires. */
  readonly expiredAt?: string;
}

export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * Checks a private REST request as Bybit does (bybit-v5.md §2): key known (10003), timestamp
 * inside [now - recvWindow, now + 1000) on the WALL clock, because clients sign with wall
 * time (10002), then HMAC over timestamp + key + recvWindow + the exact bytes received:
 * the raw query string for GET, the raw body for POST (10004). Never re-serialises.
 */
export function verifyRestSignature(
  headers: IncomingHttpHeaders,
  signedPart: string,
  accounts: ReadonlyMap<string, ExchangeSimAccount>,
  wallNow: number,
): ExchangeSimAccount {
  const apiKey = header(headers, 'x-bapi-api-key');
  const timestamp = header(headers, 'x-bapi-timestamp');
  const sign = header(headers, 'x-bapi-sign');
  const recvWindow = header(headers, 'x-bapi-recv-window') || '5000';
  if (!apiKey || !timestamp || !sign) {
    throw new BybitApiError(10001, `empty value: apiTimestamp[${timestamp}] apiKey[${apiKey}] apiSignature[${sign}]: openapi sign params error!`);
  }
  const account = accounts.get(apiKey);
  if (!account) throw new BybitApiError(10003, 'API key is invalid.');
  const ts = Number(timestamp);
  const window = Number(recvWindow);
  if (!Number.isFinite(ts) || !Number.isFinite(window) || !(wallNow - window <= ts && ts < wallNow + 1000)) {
    throw new BybitApiError(
      10002,
      `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestamp}],server_timestamp[${wallNow}],recv_window[${recvWindow}]`,
    );
  }
  const expected = hmacHex(account.apiSecret, timestamp + apiKey + recvWindow + signedPart);
  if (!sameHex(expected, sign.toLowerCase())) throw new BybitApiError(10004, `error sign! origin_string[${timestamp + apiKey + recvWindow + signedPart}]`);
  return account;
}

/**
 * WS private auth: args [apiKey, expires (number or string), hex(HMAC(secret, 'GET/realtime' + expires))].
 * Returns the account, or null (the caller answers "Params Error" like Bybit V5).
 */
export function verifyWsAuth(args: readonly unknown[], accounts: ReadonlyMap<string, ExchangeSimAccount>, wallNow: number): ExchangeSimAccount | null {
  const [apiKey, expires, signature] = args;
  if (typeof apiKey !== 'string' || (typeof expires !== 'number' && typeof expires !== 'string') || typeof signature !== 'string') return null;
  const account = accounts.get(apiKey);
  if (!account) return null;
  if (!(Number(expires) > wallNow)) return null;
  return sameHex(hmacHex(account.apiSecret, `GET/realtime${expires}`), signature.toLowerCase()) ? account : null;
}
