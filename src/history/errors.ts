import { BybotError, ERROR_CODES, type BybotErrorOptions } from '../domain/errors.ts';

export type HistoryErrorCode = typeof ERROR_CODES.HISTORY_NOT_FOUND | typeof ERROR_CODES.HISTORY_CORRUPT | typeof ERROR_CODES.HISTORY_BUSY | typeof ERROR_CODES.HISTORY_INVALID;

/**
 * Every failure of the history store and the data CLI. Not an escalation in the trading
 * sense (nothing trades on the store while it is written), so the level is 'strategy' and
 * nothing is retried automatically.
 */
export class HistoryError extends BybotError {
  constructor(code: HistoryErrorCode, message: string, options?: BybotErrorOptions) {
    super(code, message, 'strategy', false, options);
  }
}

export const notFound = (message: string, details?: Record<string, unknown>) => new HistoryError(ERROR_CODES.HISTORY_NOT_FOUND, message, details ? { details } : {});
export const corrupt = (message: string, details?: Record<string, unknown>) => new HistoryError(ERROR_CODES.HISTORY_CORRUPT, message, details ? { details } : {});
export const invalid = (message: string, details?: Record<string, unknown>) => new HistoryError(ERROR_CODES.HISTORY_INVALID, message, details ? { details } : {});
