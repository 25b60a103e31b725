/**
 * Per-actor circuit breaker (backlog B2.1) as pure data + functions, so the strategy
 * machine's guards and assigns stay total and testable without an actor.
 *
 * closed --N consecutive failures--> open --openMs elapsed--> halfOpen (one attempt)
 * halfOpen --success--> closed;  halfOpen --failure--> open again (another trip).
 */
export interface BreakerConfig {
  /** Consecutive failed iterations that open the breaker (default 5). */
  readonly failureThreshold: number;
  /** How long the breaker stays open before the half-open attempt (default 300 000 ms). */
  readonly openMs: number;
}

export type BreakerStatus = 'closed' | 'open' | 'halfOpen';

export interface BreakerState {
  readonly status: BreakerStatus;
  readonly consecutiveFailures: number;
  /** When the breaker last opened (epoch ms), or null. */
  readonly openedAt: number | null;
  /** Number of times this breaker has opened since the actor started. */
  readonly trips: number;
}

export const CLOSED_BREAKER: BreakerState = { status: 'closed', consecutiveFailures: 0, openedAt: null, trips: 0 };

/** True when one more failure opens (or re-opens) the breaker. */
export function failureWouldTrip(state: BreakerState, config: BreakerConfig): boolean {
  return state.status === 'halfOpen' || state.consecutiveFailures + 1 >= config.failureThreshold;
}

export function recordFailure(state: BreakerState, config: BreakerConfig, now: number): BreakerState {
  const consecutiveFailures = state.consecutiveFailures + 1;
  if (failureWouldTrip(state, config)) {
    return { status: 'open', consecutiveFailures, openedAt: now, trips: state.trips + 1 };
  }
  return { ...state, consecutiveFailures };
}

export function recordSuccess(state: BreakerState): BreakerState {
  if (state.status === 'closed' && state.consecutiveFailures === 0) return state;
  return { ...state, status: 'closed', consecutiveFailures: 0 };
}

export function beginHalfOpen(state: BreakerState): BreakerState {
  return { ...state, status: 'halfOpen' };
}
