import {
  AuthError,
  BybotError,
  DuplicateOrderError,
  ExchangeUnavailableError,
  InsufficientBalanceError,
  InvalidRequestError,
  OrderNotFoundError,
  OrderRejectedError,
  RateLimitError,
  TimeoutError,
  UnknownSymbolError,
} from '../domain/errors.ts';
import { BybitApiError } from './envelope.ts';

type ErrorClass = abstract new (...args: never[]) => BybotError;

/**
 * The one table from the simulator's typed errors to Bybit retCodes and messages (the
 * wording real Bybit servers use, per bybit-v5.md §6). An error whose `details.retCode`
 * is set (e.g. 110017 reduce-only, 110064 amend qty) keeps that code.
 */
const TABLE: ReadonlyArray<readonly [ErrorClass, number, string | null]> = [
  [DuplicateOrderError, 110072, 'OrderLinkedID is duplicate'],
  [InsufficientBalanceError, 110007, 'ab not enough for new order'],
  [OrderNotFoundError, 110001, 'order not exists or too late to cancel'],
  [UnknownSymbolError, 10001, 'params error: symbol invalid'],
  [AuthError, 10003, 'API key is invalid.'],
  [RateLimitError, 10006, 'Too many visits!'],
  [TimeoutError, 10000, 'Server Timeout'],
  [ExchangeUnavailableError, 10016, 'Request timeout, please try again later'],
  // Message null: the simulator's own text says which field and why, which helps more.
  [OrderRejectedError, 10001, null],
  [InvalidRequestError, 10001, null],
];

/** Messages for codes that the table's classes carry in details.retCode. */
const DETAIL_MESSAGES: Readonly<Record<number, string>> = {
  110017: 'Reduce-only rule not satisfied',
  110064: 'The modified contract quantity cannot be less than or equal to the filled quantity.',
};

export function toBybitError(error: unknown): BybitApiError {
  if (error instanceof BybitApiError) return error;
  if (error instanceof BybotError) {
    const detailCode = error.details['retCode'];
    if (typeof detailCode === 'number' && detailCode !== 0) return new BybitApiError(detailCode, DETAIL_MESSAGES[detailCode] ?? error.message);
    for (const [cls, retCode, message] of TABLE) {
      if (error instanceof cls) return new BybitApiError(retCode, message ?? error.message);
    }
    return new BybitApiError(10016, error.message);
  }
  // A bug in the server, not a business error: say so like Bybit's internal error.
  return new BybitApiError(10016, `internal error: ${error instanceof Error ? error.message : String(error)}`);
}
