import type { Random } from '../rng.ts';

/**
 * Supervision maths shared by supervisors and the API client: restart backoff with
 * jitter (Akka's restartWithBackoff), restart intensity windows (OTP's MaxR in MaxT) and
 * full-jitter retry delays (AWS architecture blog's "full jitter").
 */
export interface BackoffConfig {
  readonly minMs: number;
  readonly maxMs: number;
  /** Extra random delay as a fraction of the delay, e.g. 0.2 adds up to 20 %. */
  readonly jitter: number;
}

/** min(max, min * 2^attempt) * (1 + random * jitter); attempt 0 is the first restart. */
export function restartDelay(attempt: number, config: BackoffConfig, random: Random): number {
  const exponent = Math.min(Math.max(0, attempt), 30);
  const base = Math.min(config.maxMs, config.minMs * 2 ** exponent);
  return Math.round(base * (1 + random() * config.jitter));
}

/** Akka resets the backoff once the child has run for (min + max) / 2 without failing. */
export function backoffResetAfter(config: BackoffConfig): number {
  return (config.minMs + config.maxMs) / 2;
}

/** Full jitter: uniform in [0, min(cap, base * 2^attempt)]. */
export function fullJitterDelay(attempt: number, baseMs: number, capMs: number, random: Random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(random() * ceiling);
}

/** Keeps only the times inside the window (now - periodMs, now]. */
export function pruneWindow(times: readonly number[], now: number, periodMs: number): number[] {
  return times.filter((t) => t > now - periodMs && t <= now);
}

/**
 * OTP: "If more than MaxR restarts occur in the last MaxT seconds, the supervisor
 * terminates all the child processes and then itself." `times` are earlier restarts;
 * the question is whether one more (at `now`) would exceed the intensity.
 */
export function intensityExceeded(times: readonly number[], now: number, intensity: number, periodMs: number): boolean {
  return pruneWindow(times, now, periodMs).length + 1 > intensity;
}
