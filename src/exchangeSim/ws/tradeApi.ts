import { verifyWsAuth, type ExchangeSimAccount } from '../auth.ts';
import type { SimDeps } from '../context.ts';
import { WithExtInfo } from '../context.ts';
import { BybitApiError } from '../envelope.ts';
import { toBybitError } from '../errorMap.ts';
import { RateLimitedError, type RateLimiter, type RateLimitHeaders } from '../rateLimit.ts';
import { findRoute } from '../router.ts';
import type { WsConnection } from './connection.ts';

/** Everyone behind one account, as for REST: the WS and REST order limits are one budget. */
const UID = 'uid-1';

/** The order ops of Bybit's WS trade API and the REST endpoint each one is (same body, same rules). */
const OPS: Readonly<Record<string, string>> = {
  'order.create': '/v5/order/create',
  'order.amend': '/v5/order/amend',
  'order.cancel': '/v5/order/cancel',
  'order.create-batch': '/v5/order/create-batch',
};

export interface TradeApiContext {
  readonly deps: SimDeps;
  readonly accounts: ReadonlyMap<string, ExchangeSimAccount>;
  readonly limiter: RateLimiter;
}

export interface TradeMessage {
  readonly op: string;
  readonly reqId?: unknown;
  readonly args: readonly unknown[];
  readonly header?: unknown;
}

function headerOf(raw: unknown, name: string): string | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  for (const [key, value] of Object.entries(raw)) if (key.toLowerCase() === name) return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  return undefined;
}

/** The `/v5/trade` auth reply: retCode 0, 10004 (bad key or signature, expired), 20001 (repeated auth). */
export function tradeAuth(c: WsConnection, args: readonly unknown[], ctx: TradeApiContext, reqId: unknown): Record<string, unknown> {
  const base = { op: 'auth', connId: c.id, ...(reqId === undefined ? {} : { reqId }) };
  if (c.authenticated) return { retCode: 20001, retMsg: 'Repeat auth', ...base };
  const account = ctx.deps.faults.get().authRejected ? null : verifyWsAuth(args, ctx.accounts, ctx.deps.wallNow());
  if (!account) return { retCode: 10004, retMsg: 'Invalid sign', ...base };
  c.authenticated = true;
  return { retCode: 0, retMsg: 'OK', ...base };
}

/**
 * One order op on `/v5/trade`: authenticated connection, a unique `reqId` (20006 when
 * reused on the connection), `X-BAPI-TIMESTAMP` inside `X-BAPI-RECV-WINDOW` of the wall
 * clock (10002), the per-UID rate limit shared with REST (10006), then exactly what the
 * REST endpoint does. The reply echoes `op` and `reqId` and carries the rate-limit figures
 * in `header`, as Bybit's does.
 */
export function tradeOp(c: WsConnection, message: TradeMessage, ctx: TradeApiContext, seenReqIds: Set<string>): Record<string, unknown> {
  const { deps } = ctx;
  const wallNow = deps.wallNow();
  const path = OPS[message.op];
  let header: Record<string, string> = { Traceid: `sim-${c.id}-${seenReqIds.size + 1}`, Timenow: String(wallNow) };
  const reply = (retCode: number, retMsg: string, data: unknown = {}, retExtInfo: Record<string, unknown> = {}): Record<string, unknown> => ({
    reqId: message.reqId,
    retCode,
    retMsg,
    op: message.op,
    data,
    retExtInfo,
    header,
    connId: c.id,
  });
  if (!path) return reply(10404, `op ${message.op} is not supported`);
  deps.stats.wsTradeOps++;
  if (!c.authenticated) return reply(10003, 'Please authenticate first');
  const reqId = message.reqId === undefined ? '' : String(message.reqId);
  if (reqId !== '') {
    if (seenReqIds.has(reqId)) return reply(20006, 'Duplicate reqId');
    seenReqIds.add(reqId);
  }
  try {
    if (deps.faults.get().authRejected) throw new BybitApiError(10003, 'API key is invalid.');
    const timestamp = Number(headerOf(message.header, 'x-bapi-timestamp'));
    const window = Number(headerOf(message.header, 'x-bapi-recv-window') ?? 5000);
    if (!Number.isFinite(timestamp) || !Number.isFinite(window) || !(wallNow - window <= timestamp && timestamp < wallNow + 1000)) {
      throw new BybitApiError(10002, `invalid request, please check your server timestamp or recv_window param. req_timestamp[${String(timestamp)}],server_timestamp[${wallNow}],recv_window[${window}]`);
    }
    if (message.args.length !== 1 || !message.args[0] || typeof message.args[0] !== 'object') throw new BybitApiError(10001, 'params error: args must hold exactly one request object');
    const limits: RateLimitHeaders = ctx.limiter.take(UID, path, wallNow);
    header = { ...limits, ...header };
    const result = findRoute('POST', path)!.handle({ params: message.args[0] as Record<string, unknown>, deps });
    if (result instanceof WithExtInfo) return reply(0, 'OK', result.result, result.retExtInfo);
    return reply(0, 'OK', result);
  } catch (error) {
    if (error instanceof RateLimitedError) {
      header = { ...error.headers, ...header };
      deps.stats.rateLimited.retCode10006++;
    }
    const apiError = toBybitError(error);
    return reply(apiError.retCode, apiError.retMsg);
  }
}

/** Trade stream pong: `{"retCode":0,"retMsg":"OK","op":"pong","data":["<ms>"],"connId":"…"}`. */
export function tradePong(c: WsConnection, reqId: unknown, wallNow: number): Record<string, unknown> {
  return { retCode: 0, retMsg: 'OK', op: 'pong', data: [String(wallNow)], connId: c.id, ...(reqId === undefined ? {} : { reqId }) };
}
