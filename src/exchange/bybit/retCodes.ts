import {
  AuthError,
  BybotError,
  ClockSkewError,
  DuplicateOrderError,
  ExchangeUnavailableError,
  InsufficientBalanceError,
  InvalidRequestError,
  OrderNotFoundError,
  OrderRejectedError,
  RateLimitError,
} from '../../domain/errors.ts';
import { sanitizeExchangeText, type Sanitizer } from './sanitize.ts';

/**
 * Bybit V5 retCode -> typed error. Business errors arrive as HTTP 200 with a non-zero
 * retCode, so this table is the only place that decides what a code means for the bot:
 * the class carries the escalation level (strategy / symbol / system) and whether a retry
 * can help. Source: Bybit docs `docs/v5/error.mdx` (the project's shared wire-protocol notes, section 6).
 */
export type RetCodeClass =
  | 'auth'
  | 'rateLimit'
  | 'clockSkew'
  | 'unavailable'
  | 'reject'
  | 'insufficientBalance'
  | 'duplicate'
  | 'notFound'
  | 'badRoute';

export const RET_CODE_TABLE: Readonly<Record<number, RetCodeClass>> = {
  // Key, signature, permission, user, IP whitelist, ban, region, compliance: nothing will work.
  10003: 'auth',
  10004: 'auth',
  10005: 'auth',
  10007: 'auth',
  10008: 'auth',
  10009: 'auth',
  10010: 'auth',
  10024: 'auth',
  10027: 'auth',
  10028: 'auth',
  10029: 'auth',
  // Per-UID and (legacy) per-IP rate limits; 10429 is the WS system protection.
  10006: 'rateLimit',
  10018: 'rateLimit',
  10429: 'rateLimit',
  10002: 'clockSkew',
  // Server timeout / restarting / busy: the request may or may not have been executed.
  10000: 'unavailable',
  10016: 'unavailable',
  10019: 'unavailable',
  110079: 'unavailable',
  429: 'unavailable',
  // Parameter and filter rejections: fixing the request is the only cure.
  10001: 'reject',
  10014: 'reject',
  110003: 'reject',
  110009: 'reject',
  110017: 'reject',
  110020: 'reject',
  110064: 'reject',
  110074: 'reject',
  110092: 'reject',
  110093: 'reject',
  110094: 'reject',
  110120: 'reject',
  110121: 'reject',
  // Balance variants.
  110004: 'insufficientBalance',
  110007: 'insufficientBalance',
  110012: 'insufficientBalance',
  110044: 'insufficientBalance',
  110045: 'insufficientBalance',
  110072: 'duplicate',
  // Unknown order, or already completed / cancelled: reconcile instead of retrying.
  110001: 'notFound',
  110008: 'notFound',
  110010: 'notFound',
  10017: 'badRoute',
};

/** "Not modified" answers: the exchange already is in the state we asked for. */
export const NOT_MODIFIED_CODES: ReadonlySet<number> = new Set([110043, 34040, 110025]);

/** Unknown codes are rejections: never retry what we cannot name. */
export function classifyRetCode(retCode: number): RetCodeClass {
  return RET_CODE_TABLE[retCode] ?? 'reject';
}

export interface RetCodeContext {
  readonly operation: string;
  /** ms until the rate-limit window resets (from X-Bapi-Limit-Reset-Timestamp), if known. */
  readonly retryAfterMs?: number;
}

const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

export function errorFromRetCode(retCode: number, rawRetMsg: string, context: RetCodeContext, sanitize: Sanitizer = sanitizeExchangeText): BybotError {
  // Bybit echoes what it signed (10004: origin_string[... API key ...]): never pass it on verbatim.
  const retMsg = sanitize(rawRetMsg);
  const details = { retCode, retMsg, operation: context.operation };
  const message = `${context.operation}: Bybit retCode ${retCode} ${retMsg}`.trim();
  switch (classifyRetCode(retCode)) {
    case 'auth':
      return new AuthError(message, { details });
    case 'rateLimit':
      return new RateLimitError(message, context.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS, { details });
    case 'clockSkew':
      return new ClockSkewError(message, { details });
    case 'unavailable':
      return new ExchangeUnavailableError(message, { details: { ...details, transport: 'server' } });
    case 'insufficientBalance':
      return new InsufficientBalanceError(message, { details });
    case 'duplicate':
      return new DuplicateOrderError(message, { details });
    case 'notFound':
      return new OrderNotFoundError(message, { details });
    case 'badRoute':
      return new InvalidRequestError(message, { details });
    case 'reject':
      return new OrderRejectedError(message, { details });
  }
}
