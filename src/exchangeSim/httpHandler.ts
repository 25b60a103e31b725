import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { hashString, mulberry32 } from '../core/rng.ts';
import { handleAdmin, type AdminContext } from './admin.ts';
import { verifyRestSignature, type ExchangeSimAccount } from './auth.ts';
import { WithExtInfo, type SimDeps } from './context.ts';
import { BybitApiError, fail, ok, type Envelope } from './envelope.ts';
import { toBybitError } from './errorMap.ts';
import { RateLimitedError, type RateLimiter } from './rateLimit.ts';
import { findRoute } from './router.ts';
import type { Access, AccessPolicy } from '../http/access/policy.ts';

/** Everyone behind one account: Bybit counts per-UID limits per account, not per key. */
const UID = 'uid-1';
const MAX_BODY = 1_000_000;

export interface HttpHandlerDeps {
  readonly deps: SimDeps;
  readonly accounts: ReadonlyMap<string, ExchangeSimAccount>;
  readonly limiter: RateLimiter;
  readonly admin: AdminContext;
  readonly logger?: Logger;
  /** Resolves when the hang fault is cleared (immediately when it is not set). */
  readonly waitWhileHung: () => Promise<void>;
  /** Who may use the /__sim admin endpoints (Host, Origin, JSON, and the admin token when one is set). */
  readonly adminPolicy: AccessPolicy;
}

/** The clock is public (another process syncs its simulated time from it); the rest shows or changes the account. */
function adminAccess(method: string, path: string): Access {
  if (path === '/__sim/clock') return 'public';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'control';
}

class BodyTooLargeError extends Error {}

/**
 * The request body as text. An oversized body (declared or streamed) stops the reading at
 * once: the server never buffers more than MAX_BODY bytes of it.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        // Stop reading (and buffering) at once; the caller answers 413 and closes.
        req.pause();
        reject(new BodyTooLargeError());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendEnvelope(res: ServerResponse, envelope: Envelope, headers: Record<string, string> = {}): void {
  // Compact JSON, as Bybit's servers answer.
  send(res, 200, JSON.stringify(envelope), 'application/json', headers);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The request pipeline, in the order a real request meets the venue: admin bypass, hang,
 * latency, rate-limit storm, IP limit (HTTP 403), injected 5xx, route, auth (10003 /
 * 10002 / 10004), per-UID limit (10006 + X-Bapi-* headers), handler, envelope.
 */
export function createHttpHandler(h: HttpHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { deps, limiter } = h;
  // Seeded: an errorRate run fails the same requests every time.
  const random = mulberry32(hashString('exchange-sim:5xx'));

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';
    if (path.startsWith('/__sim/')) {
      // Checked before the body is read: an unauthorised client cannot make us buffer it.
      const denial = h.adminPolicy.check(req, adminAccess(method, path));
      if (denial) return send(res, denial.status, JSON.stringify({ error: denial.message, code: denial.code }), 'application/json', { connection: 'close' });
    }
    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      // Refused before any route runs, in Bybit's envelope, and the connection closed (the
      // rest of the body is not read).
      const tooLarge = new BybitApiError(10001, `params error: request body larger than ${MAX_BODY} bytes`, 413);
      send(res, 413, JSON.stringify(fail(tooLarge, deps.wallNow())), 'application/json', { connection: 'close' });
      req.socket.destroySoon();
      return;
    }

    if (path.startsWith('/__sim/')) {
      const reply = handleAdmin(method, path, rawBody, h.admin);
      send(res, reply.status, JSON.stringify(reply.body), 'application/json');
      return;
    }
    deps.stats.requests++;
    await h.waitWhileHung();
    const faults = deps.faults.get();
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const wallNow = deps.wallNow();
    if (faults.rateLimitStorm === '403') {
      deps.stats.rateLimited.http403++;
      return send(res, 403, '<html>403 Forbidden</html>', 'text/html');
    }
    if (faults.rateLimitStorm === '10006') {
      deps.stats.rateLimited.retCode10006++;
      const headers = { ...limiter.stormHeaders(path, wallNow) };
      return sendEnvelope(res, fail(new BybitApiError(10006, 'Too many visits!'), wallNow), headers);
    }
    if (!limiter.allowIp(req.socket.remoteAddress ?? 'unknown', wallNow)) {
      deps.stats.rateLimited.http403++;
      return send(res, 403, '<html>403 Forbidden</html>', 'text/html');
    }
    if (faults.errorRate > 0 && random() < faults.errorRate) return send(res, 503, '<html>503 Service Temporarily Unavailable</html>', 'text/html');

    const route = findRoute(method, path);
    if (!route) return send(res, 404, JSON.stringify({ retCode: 10017, retMsg: 'route not found', result: {}, retExtInfo: {}, time: wallNow }), 'application/json');

    let rateHeaders: Record<string, string> = {};
    try {
      if (route.private) {
        if (faults.authRejected) throw new BybitApiError(10003, 'API key is invalid.');
        verifyRestSignature(req.headers, method === 'GET' ? rawQuery : rawBody, h.accounts, wallNow);
        rateHeaders = { ...limiter.take(UID, path, wallNow) };
      }
      const params = method === 'GET' ? Object.fromEntries(new URLSearchParams(rawQuery)) : parseJson(rawBody);
      const result = route.handle({ params, deps });
      const envelope = result instanceof WithExtInfo ? { ...ok(result.result, deps.wallNow()), retExtInfo: result.retExtInfo } : ok(result, deps.wallNow());
      sendEnvelope(res, envelope, rateHeaders);
    } catch (error) {
      if (error instanceof RateLimitedError) {
        rateHeaders = { ...error.headers };
        deps.stats.rateLimited.retCode10006++;
      }
      const apiError = toBybitError(error);
      if (apiError.retCode === 10016) h.logger?.warn({ err: error, path }, 'exchange-sim handler failed');
      if (apiError.httpStatus !== 200) return send(res, apiError.httpStatus, apiError.retMsg, 'text/plain');
      sendEnvelope(res, fail(apiError, deps.wallNow()), rateHeaders);
    }
  };

  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      h.logger?.error({ err: error }, 'exchange-sim request failed');
      send(res, 500, 'internal error', 'text/plain');
    });
  };
}

function parseJson(body: string): Record<string, unknown> {
  if (body === '') return {};
  try {
    const value: unknown = JSON.parse(body);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new BybitApiError(10001, 'params error: request body is not a JSON object');
}
