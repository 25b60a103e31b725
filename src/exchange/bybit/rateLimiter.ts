import { BYBIT_ENDPOINT_LIMITS } from '../../domain/bybitLimits.ts';
import { SlidingWindow } from './slidingWindow.ts';
import type { Clock } from '../../ports/clock.ts';

/**
 * Client-side rate limiting for Bybit's per-UID, per-endpoint 1-second windows and the
 * per-IP budget (600 requests / 5 s). Each endpoint group keeps a token bucket; every
 * request also needs a token from the shared IP bucket. Waiters are served by priority
 * (orders and cancels before account queries before market data), FIFO within one
 * priority, so a burst of candle fetches can never delay a cancel.
 *
 * The server's own view wins: `X-Bapi-Limit-Status` / `X-Bapi-Limit` /
 * `X-Bapi-Limit-Reset-Timestamp` (parsed by `parseLimitHeaders` or by the SDK into
 * `rateLimitApi`) shrink the bucket when the server counts more than we did, pace the
 * remaining requests over the rest of the window when fewer than `slowDownFraction` are
 * left, and a 10006 answer blocks the group until the reset time.
 *
 * Token buckets alone cannot promise to stay under a rolling window (a full bucket plus a
 * second of refill is twice the limit within one second), so every request also takes a
 * slot in hard rolling windows known up front: Bybit's documented per-endpoint limits
 * (`BYBIT_ENDPOINT_LIMITS`, by path) and the IP's 600 per 5 s, each used to 90 %. A slot
 * counts from the send until one window after the answer (see `SlidingWindow`), so the
 * server cannot see more than the limit whatever the latency.
 */
export type LimitGroup = 'order' | 'cancel' | 'position' | 'query' | 'market';

/** Lower runs first. */
export const GROUP_PRIORITY: Readonly<Record<LimitGroup, number>> = { cancel: 0, order: 0, position: 1, query: 2, market: 3 };

export interface BucketSpec {
  /** Requests per second (and burst size). */
  readonly perSecond: number;
}

/** Bybit's default non-VIP limits for linear (docs/v5/rate-limit). */
export const DEFAULT_LIMITS: Readonly<Record<LimitGroup, BucketSpec>> = {
  order: { perSecond: 10 },
  cancel: { perSecond: 10 },
  position: { perSecond: 10 },
  query: { perSecond: 50 },
  market: { perSecond: 50 },
};
/** 600 per 5 s per IP, shared by every group. */
export const DEFAULT_IP_LIMIT: BucketSpec = { perSecond: 120 };

/** A hard limit: at most `max` requests in any rolling window of `windowMs`. */
export interface WindowSpec {
  readonly max: number;
  readonly windowMs: number;
}

/**
 * Bybit's documented per-UID limits of the linear endpoints we call, requests per rolling
 * second (docs/v5/rate-limit; the table lives in src/domain/bybitLimits.ts). Known up front: the
 * headers only tell us after the fact, and public endpoints send none.
 */
export { BYBIT_ENDPOINT_LIMITS };
/** The per-IP HTTP limit (answered with HTTP 403 and a ban of about 10 minutes). */
export const BYBIT_IP_WINDOW: WindowSpec = { max: 600, windowMs: 5_000 };
/** Fraction of a documented limit we allow ourselves (other sessions of the key or IP, clock jitter). */
export const DEFAULT_SAFETY_FRACTION = 0.9;

/** Release callback of an acquired slot: call once the response (or failure) arrived. */
export type Release = () => void;

/** One local budget, for /metrics: tokens or window slots left now. */
export interface LimitHeadroom {
  /** A group name, `ip`, or an endpoint path. */
  readonly scope: string;
  readonly remaining: number;
  readonly limit: number;
}

export interface LimitStatus {
  readonly remaining: number;
  readonly limit: number;
  /** Epoch ms (server time) at which the window resets. */
  readonly resetAt: number;
}

/** Header names as axios delivers them (lower case); undefined when any is missing or not numeric. */
export function parseLimitHeaders(headers: Readonly<Record<string, unknown>> | undefined): LimitStatus | undefined {
  if (!headers) return undefined;
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const get = (name: string): number => {
    const raw = lower[name];
    return typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : Number.NaN;
  };
  const status = { remaining: get('x-bapi-limit-status'), limit: get('x-bapi-limit'), resetAt: get('x-bapi-limit-reset-timestamp') };
  return Number.isFinite(status.remaining) && Number.isFinite(status.limit) && Number.isFinite(status.resetAt) ? status : undefined;
}

class Bucket {
  tokens: number;
  private last: number;
  /** No request before this time (10006 block or pacing near the limit). */
  notBefore = 0;

  constructor(
    readonly capacity: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
      this.last = now;
    }
  }

  /** ms until one token is available and the bucket is not blocked (0 = now). */
  waitMs(now: number): number {
    this.refill(now);
    const forToken = this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs);
    return Math.max(forToken, this.notBefore - now, 0);
  }
}

interface Waiter {
  readonly group: LimitGroup;
  readonly path: string | undefined;
  readonly priority: number;
  readonly seq: number;
  readonly resolve: (release: Release) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal?: AbortSignal;
  readonly onAbort?: () => void;
}

export interface RateLimiterOptions {
  /** Wall-clock time: server windows are real seconds, whatever the bot's domain clock does. */
  readonly clock: Clock;
  readonly limits?: Partial<Record<LimitGroup, BucketSpec>>;
  readonly ipLimit?: BucketSpec;
  /** Pace requests once fewer than this fraction of the server's budget is left. */
  readonly slowDownFraction?: number;
  /** Per-path hard limits per rolling second (default: Bybit's documented table). */
  readonly endpointLimits?: Readonly<Record<string, number>>;
  /** The IP's hard window (default 600 per 5 s). */
  readonly ipWindow?: WindowSpec;
  /** Fraction of each hard limit we use (default 0.9). */
  readonly safetyFraction?: number;
}

export class RateLimiter {
  private readonly clock: Clock;
  private readonly buckets: Record<LimitGroup, Bucket>;
  private readonly ip: Bucket;
  private readonly slowDownFraction: number;
  private queue: Waiter[] = [];
  private seq = 0;
  private timer: unknown;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly endpointLimits: Readonly<Record<string, number>>;
  private readonly safety: number;
  private readonly ipWindow: SlidingWindow;
  private readonly endpointWindows = new Map<string, SlidingWindow>();
  /** The last X-Bapi-Limit-* status the server sent, per group. */
  private readonly serverStatus = new Map<LimitGroup, { remaining: number; limit: number }>();

  constructor(options: RateLimiterOptions) {
    this.clock = options.clock;
    const now = this.clock.now();
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const bucket = (spec: BucketSpec) => new Bucket(spec.perSecond, spec.perSecond / 1000, now);
    this.buckets = {
      order: bucket(limits.order),
      cancel: bucket(limits.cancel),
      position: bucket(limits.position),
      query: bucket(limits.query),
      market: bucket(limits.market),
    };
    this.ip = bucket(options.ipLimit ?? DEFAULT_IP_LIMIT);
    this.slowDownFraction = options.slowDownFraction ?? 0.2;
    this.safety = options.safetyFraction ?? DEFAULT_SAFETY_FRACTION;
    this.endpointLimits = options.endpointLimits ?? BYBIT_ENDPOINT_LIMITS;
    const ipWindow = options.ipWindow ?? BYBIT_IP_WINDOW;
    this.ipWindow = new SlidingWindow(this.safe(ipWindow.max), ipWindow.windowMs);
  }

  private safe(max: number): number {
    return Math.max(1, Math.floor(max * this.safety));
  }

  private endpointWindow(path: string | undefined): SlidingWindow | undefined {
    if (path === undefined) return undefined;
    const limit = this.endpointLimits[path];
    if (limit === undefined) return undefined;
    let window = this.endpointWindows.get(path);
    if (!window) {
      window = new SlidingWindow(this.safe(limit), 1_000);
      this.endpointWindows.set(path, window);
    }
    return window;
  }

  /**
   * Resolves, with a release callback, when the request may be sent; rejects with the
   * signal's reason on abort. `path` (e.g. /v5/order/create) selects the endpoint's
   * documented limit. Call the release once the answer (or the failure) is in: until then
   * the request counts against the rolling windows as if it happened now.
   */
  acquire(group: LimitGroup, signal?: AbortSignal, path?: string): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        group,
        path,
        priority: GROUP_PRIORITY[group],
        seq: ++this.seq,
        resolve,
        reject,
        ...(signal ? { signal, onAbort: () => this.drop(waiter, signal.reason) } : {}),
      };
      if (signal && waiter.onAbort) signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.insert(waiter);
      this.pump();
    });
  }

  /**
   * Feedback from the response headers of a request in `group`. `resetInMs` is the
   * header's reset timestamp minus the server's now (the caller knows the clock offset;
   * this limiter only measures durations on its own clock).
   */
  observe(group: LimitGroup, status: { readonly remaining: number; readonly limit: number; readonly resetInMs: number }): void {
    const bucket = this.buckets[group];
    const now = this.clock.now();
    this.serverStatus.set(group, { remaining: status.remaining, limit: status.limit });
    bucket.refill(now);
    // The server counts every client of this key; trust its lower number.
    bucket.tokens = Math.min(bucket.tokens, Math.max(0, status.remaining));
    const untilReset = Math.max(0, status.resetInMs);
    if (status.remaining <= 0) bucket.notBefore = Math.max(bucket.notBefore, now + untilReset);
    else if (status.remaining < status.limit * this.slowDownFraction) {
      // Spread what is left over the rest of the window instead of hitting the wall.
      bucket.notBefore = Math.max(bucket.notBefore, now + Math.ceil(untilReset / status.remaining));
    }
    this.pump();
  }

  /** A 10006 / 403: nothing more in this group until the server's window resets. */
  block(group: LimitGroup, waitMs: number): void {
    const bucket = this.buckets[group];
    bucket.tokens = 0;
    bucket.notBefore = Math.max(bucket.notBefore, this.clock.now() + Math.max(0, waitMs));
    this.pump();
  }

  /** Waiters per group, for tests and /metrics. */
  pending(): number {
    return this.queue.length;
  }

  /** Local budgets left now: each group's tokens, the IP window, each endpoint window used so far. */
  headroom(): LimitHeadroom[] {
    const now = this.clock.now();
    const rows: LimitHeadroom[] = [];
    for (const group of Object.keys(this.buckets) as LimitGroup[]) {
      const bucket = this.buckets[group];
      bucket.refill(now);
      rows.push({ scope: group, remaining: Math.max(0, Math.floor(bucket.tokens)), limit: bucket.capacity });
    }
    rows.push({ scope: 'ip', remaining: Math.max(0, this.ipWindow.max - this.ipWindow.used(now)), limit: this.ipWindow.max });
    for (const [path, window] of this.endpointWindows) rows.push({ scope: path, remaining: Math.max(0, window.max - window.used(now)), limit: window.max });
    return rows;
  }

  /** The last server-reported status (X-Bapi-Limit-Status / X-Bapi-Limit) per group. */
  serverHeadroom(): Array<{ readonly group: LimitGroup; readonly remaining: number; readonly limit: number }> {
    return [...this.serverStatus].map(([group, s]) => ({ group, ...s }));
  }

  close(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    for (const w of this.queue) w.reject(new Error('rate limiter closed'));
    this.queue = [];
  }

  private insert(waiter: Waiter): void {
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.priority > waiter.priority) i--;
    this.queue.splice(i, 0, waiter);
  }

  private drop(waiter: Waiter, reason: unknown): void {
    const i = this.queue.indexOf(waiter);
    if (i >= 0) this.queue.splice(i, 1);
    waiter.reject(reason);
  }

  private pump(): void {
    const now = this.clock.now();
    let nextWait = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.queue.length; ) {
      const w = this.queue[i]!;
      const endpointWindow = this.endpointWindow(w.path);
      const groupWait = Math.max(this.buckets[w.group].waitMs(now), endpointWindow?.waitMs(now) ?? 0);
      const ipWait = Math.max(this.ip.waitMs(now), this.ipWindow.waitMs(now));
      if (groupWait === 0 && ipWait === 0) {
        this.buckets[w.group].tokens -= 1;
        this.ip.tokens -= 1;
        this.ipWindow.take();
        endpointWindow?.take();
        this.queue.splice(i, 1);
        if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
        w.resolve(this.releaser(endpointWindow));
        continue;
      }
      nextWait = Math.min(nextWait, Math.max(groupWait, ipWait));
      // The IP budget is shared: a waiter held back by it keeps lower priorities behind it.
      if (ipWait > 0) break;
      i++;
    }
    this.schedule(now, nextWait);
  }

  private releaser(endpointWindow: SlidingWindow | undefined): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = this.clock.now();
      this.ipWindow.finish(now);
      endpointWindow?.finish(now);
      // A slot held by an in-flight request may be what a waiter needs.
      if (this.queue.length > 0) this.pump();
    };
  }

  private schedule(now: number, waitMs: number): void {
    if (!Number.isFinite(waitMs)) return;
    const at = now + Math.max(1, waitMs);
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, at - now);
  }
}
