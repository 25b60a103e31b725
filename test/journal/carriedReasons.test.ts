import { describe, expect, it } from 'vitest';
import { carriedHaltReason, carriedPauseReason } from '../../src/journal/persistedStops.ts';

/** A halt or pause carried over several restarts names it once, with the original reason. */
describe('reasons carried over a restart', () => {
  it('prefix the original reason once, however many restarts', () => {
    let pause = { reason: 'equity 9498.64 is down more than 5% from the UTC day start 10000.00', at: 0, until: 1 };
    for (let i = 0; i < 3; i++) pause = { ...pause, reason: carriedPauseReason(pause) };
    expect(pause.reason).toBe('still paused from before the restart: equity 9498.64 is down more than 5% from the UTC day start 10000.00');
    let halt = { reason: 'journal unwritable', code: 'JOURNAL_WRITE', at: 0, correlationId: 'c' };
    halt = { ...halt, reason: carriedHaltReason(halt), code: 'HALT_PERSISTED' };
    halt = { ...halt, reason: carriedHaltReason(halt) };
    expect(halt.reason).toBe('still halted from before the restart (HALT_PERSISTED): journal unwritable');
  });
});
