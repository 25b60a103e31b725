import { BYBIT_ENDPOINT_LIMITS, BYBIT_IP_LIMIT } from '../domain/bybitLimits.ts';
import { BybitApiError } from './envelope.ts';

/** Default per-UID limits per endpoint, requests per rolling second: Bybit's documented table. */
export const DEFAULT_ENDPOINT_LIMITS: Readonly<Record<string, number>> = BYBIT_ENDPOINT_LIMITS;
const FALLBACK_LIMIT = 50;
const WINDOW_MS = 1000;

export interface RateLimitHeaders {
  readonly 'X-Bapi-Limit': string;
  readonly 'X-Bapi-Limit-Status': string;
  readonly 'X-Bapi-Limit-Reset-Timestamp': string;
}

export interface IpLimitConfig {
  /** Requests allowed per window per IP (Bybit: 600 per 5 s). */
  readonly max: number;
  readonly windowMs: number;
  /** How long a breach bans the IP (Bybit: >= 10 minutes); short in tests. */
  readonly banMs: number;
}

export const DEFAULT_IP_LIMIT: IpLimitConfig = { ...BYBIT_IP_LIMIT, banMs: 600_000 };

/**
 * Rolling-window counters on the wall clock (rate limits are about real request rates).
 * Per-UID limits count per account and endpoint and answer 10006 with the X-Bapi-* headers;
 * the IP limit answers HTTP 403 and bans for banMs.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly ipHits = new Map<string, number[]>();
  private readonly bannedUntil = new Map<string, number>();

  constructor(
    private readonly endpointLimits: Readonly<Record<string, number>>,
    private readonly ip: IpLimitConfig,
  ) {}

  limitOf(path: string): number {
    return this.endpointLimits[path] ?? DEFAULT_ENDPOINT_LIMITS[path] ?? FALLBACK_LIMIT;
  }

  /** Counts the request; returns headers, and throws 10006 (with headers attached) when over. */
  take(uid: string, path: string, now: number): RateLimitHeaders {
    const limit = this.limitOf(path);
    const key = `${uid} ${path}`;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    const over = recent.length >= limit;
    if (!over) recent.push(now);
    this.hits.set(key, recent);
    const reset = over ? recent[0]! + WINDOW_MS : now;
    const headers = { 'X-Bapi-Limit': String(limit), 'X-Bapi-Limit-Status': String(Math.max(0, limit - recent.length)), 'X-Bapi-Limit-Reset-Timestamp': String(reset) };
    if (over) throw new RateLimitedError(headers);
    return headers;
  }

  /** Headers of a 10006 storm: limit exhausted, reset one window ahead. */
  stormHeaders(path: string, now: number): RateLimitHeaders {
    return { 'X-Bapi-Limit': String(this.limitOf(path)), 'X-Bapi-Limit-Status': '0', 'X-Bapi-Limit-Reset-Timestamp': String(now + WINDOW_MS) };
  }

  /** True when the IP may proceed; false = answer HTTP 403. */
  allowIp(ip: string, now: number): boolean {
    const banned = this.bannedUntil.get(ip);
    if (banned !== undefined && banned > now) return false;
    const recent = (this.ipHits.get(ip) ?? []).filter((t) => t > now - this.ip.windowMs);
    recent.push(now);
    this.ipHits.set(ip, recent);
    if (recent.length > this.ip.max) {
      this.bannedUntil.set(ip, now + this.ip.banMs);
      // The ban replaces the window: once it lifts, the IP starts afresh.
      this.ipHits.delete(ip);
      return false;
    }
    return true;
  }
}

export class RateLimitedError extends BybitApiError {
  constructor(readonly headers: RateLimitHeaders) {
    super(10006, 'Too many visits!');
  }
}
