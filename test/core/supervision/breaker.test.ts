import { describe, expect, it } from 'vitest';
import {
  beginHalfOpen,
  CLOSED_BREAKER,
  failureWouldTrip,
  recordFailure,
  recordSuccess,
  type BreakerState,
} from '../../../src/core/supervision/breaker.ts';

const config = { failureThreshold: 5, openMs: 300_000 };

function failTimes(n: number, start: BreakerState = CLOSED_BREAKER): BreakerState {
  let state = start;
  for (let i = 0; i < n; i++) state = recordFailure(state, config, 1_000 + i);
  return state;
}

describe('circuit breaker', () => {
  it('stays closed for 4 consecutive failures and opens on the 5th', () => {
    const four = failTimes(4);
    expect(four).toMatchObject({ status: 'closed', consecutiveFailures: 4, trips: 0 });
    expect(failureWouldTrip(four, config)).toBe(true);
    const five = recordFailure(four, config, 2_000);
    expect(five).toEqual({ status: 'open', consecutiveFailures: 5, openedAt: 2_000, trips: 1 });
  });

  it('resets the consecutive count on success, so 4 failures + success + 4 failures stays closed', () => {
    const state = failTimes(4, recordSuccess(failTimes(4)));
    expect(state.status).toBe('closed');
    expect(state.consecutiveFailures).toBe(4);
  });

  it('closes after a successful half-open attempt and keeps the trip count', () => {
    const halfOpen = beginHalfOpen(failTimes(5));
    expect(halfOpen.status).toBe('halfOpen');
    const closed = recordSuccess(halfOpen);
    expect(closed).toMatchObject({ status: 'closed', consecutiveFailures: 0, trips: 1 });
  });

  it('re-opens on a failed half-open attempt and counts a second trip', () => {
    const halfOpen = beginHalfOpen(failTimes(5));
    expect(failureWouldTrip(halfOpen, config)).toBe(true);
    const reopened = recordFailure(halfOpen, config, 400_000);
    expect(reopened).toMatchObject({ status: 'open', openedAt: 400_000, trips: 2 });
  });

  it('honours a configured threshold of 1', () => {
    expect(recordFailure(CLOSED_BREAKER, { failureThreshold: 1, openMs: 10 }, 5).status).toBe('open');
  });
});
