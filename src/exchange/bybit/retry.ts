import { BybotError, ERROR_CODES, RateLimitError, toBybotError } from '../../domain/errors.ts';
import type { Random } from '../../core/rng.ts';
import { sleep, type Clock } from '../../ports/clock.ts';

/**
 * Retries with exponential backoff and full jitter (delay = uniform(0, min(max, base*2^n)),
 * AWS "Exponential Backoff And Jitter"): many actors failing together do not retry in
 * lockstep. Only transient failures are retried; a rejection, an auth failure or an
 * abort is thrown at once.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (0 = no retry). */
  readonly maxRetries: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseMs: 250, maxMs: 5_000 };

const TRANSIENT: ReadonlySet<string> = new Set([ERROR_CODES.EXCHANGE_UNAVAILABLE, ERROR_CODES.TIMEOUT, ERROR_CODES.RATE_LIMITED, ERROR_CODES.CLOCK_SKEW]);

export function isTransient(error: unknown): boolean {
  return error instanceof BybotError && TRANSIENT.has(error.code);
}

/** Full jitter; a rate limit waits at least until the server's window resets. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: Random, error?: unknown): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  const jittered = Math.floor(random() * cap);
  return error instanceof RateLimitError ? Math.max(jittered, error.retryAfterMs) : jittered;
}

export interface RetryContext {
  readonly clock: Clock;
  readonly random: Random;
  readonly policy: RetryPolicy;
  readonly signal?: AbortSignal;
  /** Called before each retry's sleep; may throw to stop retrying. */
  readonly onRetry?: (error: BybotError, attempt: number, delayMs: number) => void | Promise<void>;
}

export async function withRetry<T>(run: (attempt: number) => Promise<T>, ctx: RetryContext): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      const typed = toBybotError(error);
      if (!isTransient(typed) || attempt >= ctx.policy.maxRetries || ctx.signal?.aborted) throw typed;
      const delay = backoffDelay(attempt, ctx.policy, ctx.random, typed);
      await ctx.onRetry?.(typed, attempt + 1, delay);
      await sleep(ctx.clock, delay, ctx.signal);
    }
  }
}
