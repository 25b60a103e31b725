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
  readonly priority: number;
  readonly seq: number;
  readonly resolve: () => void;
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
  }

  /** Resolves when the request may be sent; rejects with the signal's reason on abort. */
  acquire(group: LimitGroup, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        group,
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
      const groupWait = this.buckets[w.group].waitMs(now);
      const ipWait = this.ip.waitMs(now);
      if (groupWait === 0 && ipWait === 0) {
        this.buckets[w.group].tokens -= 1;
        this.ip.tokens -= 1;
        this.queue.splice(i, 1);
        if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
        w.resolve();
        continue;
      }
      nextWait = Math.min(nextWait, Math.max(groupWait, ipWait));
      // The IP budget is shared: a waiter held back by it keeps lower priorities behind it.
      if (ipWait > 0) break;
      i++;
    }
    this.schedule(now, nextWait);
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
