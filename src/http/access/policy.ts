import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { LOOPBACK_NAMES } from '../../../config/hosts.ts';

/**
 * Who may call what, for every HTTP surface of the bot (the Fastify API, the /viz
 * websocket, the simulator server's /__sim admin endpoints). No framework types here: the
 * policy reads a method and headers and returns a denial or null.
 *
 * - Host must be a loopback name, the bound address, or listed in `allowedHosts`: a page
 *   that rebinds its own name to 127.0.0.1 (DNS rebinding) is refused.
 * - Origin, when present, must be the server's own (`http(s)://<Host>`): a web page open in
 *   the operator's browser cannot drive the API (CSRF). Non-browser clients send none.
 * - `control` needs `Authorization: Bearer <control token>` and a JSON body
 *   (`application/json`, optionally `; charset=utf-8`): a form or text/plain POST, which a
 *   browser sends cross-site without asking, never reaches a handler.
 * - `read` needs the read token (or the control token) when one is configured.
 * Tokens are compared in constant time (SHA-256 digests of equal length, timingSafeEqual).
 */
export type Access = 'public' | 'read' | 'control';

export interface AccessPolicyOptions {
  /** Empty only for surfaces without control endpoints. */
  readonly controlToken: string;
  /** Empty: reads are open (loopback only; the config refuses otherwise). */
  readonly readToken: string;
  /** Extra host names accepted in the Host header (the bound address is added by the caller). */
  readonly allowedHosts: readonly string[];
  /** Name used in messages, e.g. "http.controlToken". */
  readonly controlTokenName?: string;
  readonly readTokenName?: string;
  /**
   * Only for a surface with no token at all on loopback (the simulator server's admin
   * endpoints in tests and demos): control requests need no bearer, the other checks stay.
   * The bot never sets it: its control token always exists (configured or generated).
   */
  readonly openControl?: boolean;
}

export interface AccessDenial {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export interface RequestLike {
  readonly method?: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time equality of two secrets of any length (their digests have equal length). */
export function sameSecret(given: string, expected: string): boolean {
  if (expected === '') return false;
  return timingSafeEqual(digest(given), digest(expected));
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** "Host: [::1]:8080" -> "::1", "api.local:80" -> "api.local". */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon > 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

export class AccessPolicy {
  private readonly hosts: ReadonlySet<string>;

  constructor(private readonly o: AccessPolicyOptions) {
    this.hosts = new Set([...LOOPBACK_NAMES, ...o.allowedHosts].map((h) => hostName(h)));
  }

  check(request: RequestLike, access: Access): AccessDenial | null {
    const host = first(request.headers.host);
    if (!host || !this.hosts.has(hostName(host))) {
      return { status: 403, code: 'FORBIDDEN_HOST', message: `Host ${JSON.stringify(host ?? '')} is not allowed; list it in http.allowedHosts if this name reaches the bot` };
    }
    const origin = first(request.headers.origin);
    if (origin !== undefined && !sameOrigin(origin, host)) {
      return { status: 403, code: 'FORBIDDEN_ORIGIN', message: `Origin ${JSON.stringify(origin)} is not this server's; the API refuses requests made by other web pages` };
    }
    if (access === 'public') return null;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(first(request.headers.authorization) ?? '')?.[1];
    if (access === 'read') {
      if (this.o.readToken === '') return null;
      if (bearer !== undefined && (sameSecret(bearer, this.o.readToken) || sameSecret(bearer, this.o.controlToken))) return null;
      return { status: 401, code: 'UNAUTHORIZED', message: `this endpoint needs Authorization: Bearer <${this.o.readTokenName ?? 'http.readToken'}>` };
    }
    const tokenless = this.o.openControl === true && this.o.controlToken === '';
    if (!tokenless && (bearer === undefined || !sameSecret(bearer, this.o.controlToken))) {
      return { status: 401, code: 'UNAUTHORIZED', message: `control endpoints need Authorization: Bearer <${this.o.controlTokenName ?? 'control token'}>` };
    }
    const method = (request.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD' && !JSON_TYPE.test(first(request.headers['content-type']) ?? '')) {
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'control endpoints accept only Content-Type: application/json (a JSON body; {} when there is nothing to say)' };
    }
    return null;
  }
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === normaliseHost(host, url.protocol);
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage
  }
}

/** The Host header as URL.host renders it (default ports dropped). */
function normaliseHost(host: string, protocol: string): string {
  const h = host.trim().toLowerCase();
  const defaultPort = protocol === 'https:' ? ':443' : ':80';
  return h.endsWith(defaultPort) ? h.slice(0, -defaultPort.length) : h;
}
