import { toBybotError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';

/**
 * A journal write that fails is logged and counted as lost, never allowed to fail the
 * order, the actor or the stream handler that produced it: trading matters more than its
 * record, and the REST sync and reconciliation fill most gaps later.
 */
export interface JournalGuard {
  report(error: unknown, what?: string): void;
  run(what: string, write: () => void): void;
}

export function createJournalGuard(logger: Logger): JournalGuard {
  const report = (error: unknown, what?: string): void => {
    logger.error({ event: 'journal_write_failed', ...(what ? { what } : {}), err: toBybotError(error).message }, 'journal write failed');
  };
  return {
    report,
    run: (what, write) => {
      try {
        write();
      } catch (error) {
        report(error, what);
      }
    },
  };
}
