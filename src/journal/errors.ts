import { BybotError, ERROR_CODES, type BybotErrorOptions } from '../domain/errors.ts';

/** The journal failed PRAGMA integrity_check or its order-event checksum chain: do not trade on it. */
export class JournalCorruptError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.JOURNAL_CORRUPT, message, 'system', false, options);
  }
}

/** The journal could not be opened, migrated or written. */
export class JournalFailedError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.JOURNAL_FAILED, message, 'system', false, options);
  }
}

/** The journal records another mode, venue or exchange account than this run's. */
export class JournalMismatchError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.JOURNAL_MISMATCH, message, 'system', false, options);
  }
}
