import type { EscalationLevel } from './types.ts';

/**
 * The error catalogue. Every error the product raises is a BybotError with a stable
 * `code` (never reused for another meaning), the escalation `level` it calls for, and
 * whether retrying the same call can help. Machines receive these as `event.error`, so
 * guards can branch on `code` / `level` without string matching.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  EXCHANGE_UNAVAILABLE: 'EXCHANGE_UNAVAILABLE',
  TIMEOUT: 'TIMEOUT',
  RATE_LIMITED: 'RATE_LIMITED',
  AUTH_REJECTED: 'AUTH_REJECTED',
  ORDER_REJECTED: 'ORDER_REJECTED',
  INSUFFICIENT_BALANCE: 'INSUFFICIENT_BALANCE',
  ORDER_NOT_FOUND: 'ORDER_NOT_FOUND',
  DUPLICATE_ORDER: 'DUPLICATE_ORDER',
  INVALID_RESPONSE: 'INVALID_RESPONSE',
  INVALID_REQUEST: 'INVALID_REQUEST',
  TRADING_HALTED: 'TRADING_HALTED',
  INVARIANT_VIOLATION: 'INVARIANT_VIOLATION',
  STRATEGY_FAILED: 'STRATEGY_FAILED',
  ABORTED: 'ABORTED',
  UNKNOWN_SYMBOL: 'UNKNOWN_SYMBOL',
  UNEXPECTED: 'UNEXPECTED',
  /** The trade journal failed its integrity check: the bot refuses to trade on it. */
  JOURNAL_CORRUPT: 'JOURNAL_CORRUPT',
  /** The trade journal could not be opened or written. */
  JOURNAL_FAILED: 'JOURNAL_FAILED',
  /** Bybit retCode 10002: our request timestamp fell outside the recv window. */
  CLOCK_SKEW: 'CLOCK_SKEW',
  /** A result file asked for on the command line (--json, --report) could not be written. */
  OUTPUT_FAILED: 'OUTPUT_FAILED',
  /** History store (backtest data): nothing stored for the requested series. */
  HISTORY_NOT_FOUND: 'HISTORY_NOT_FOUND',
  /** History store: a file does not match its manifest or is not a readable Arrow file. */
  HISTORY_CORRUPT: 'HISTORY_CORRUPT',
  /** History store: another process is writing the same symbol. */
  HISTORY_BUSY: 'HISTORY_BUSY',
  /** History store: rejected input (bad CSV rows, a bad range, an unknown interval). */
  HISTORY_INVALID: 'HISTORY_INVALID',
  /** Research tools (optimize, compare, montecarlo): a search space, results file or option that cannot be used. */
  RESEARCH_INVALID: 'RESEARCH_INVALID',
  /** The journal was recorded under another mode, venue or exchange account. */
  JOURNAL_MISMATCH: 'JOURNAL_MISMATCH',
  /** The data directory cannot be created or written (a parent is a file, no permission...). */
  DATA_DIR_UNUSABLE: 'DATA_DIR_UNUSABLE',
  /** A start-up step did not finish within startup.deadlineMs. */
  STARTUP_TIMEOUT: 'STARTUP_TIMEOUT',
  /** The HTTP port is taken by another process. */
  PORT_IN_USE: 'PORT_IN_USE',
  /** A secret could not be read from its provider (missing file or credential, Vault down or refusing). */
  SECRET_UNAVAILABLE: 'SECRET_UNAVAILABLE',
  /** A secret is stored where others can read it (file mode, owner) or written in the config file in live mode. */
  SECRET_INSECURE: 'SECRET_INSECURE',
  /** --standby cannot work with this configuration, or the standby gave up waiting. */
  STANDBY_FAILED: 'STANDBY_FAILED',
  /** ML filter: a model file whose content does not match its SHA-256 (changed or damaged after training). */
  ML_MODEL_CHECKSUM: 'ML_MODEL_CHECKSUM',
  /** ML filter: a model file that is missing, unreadable, not a model, or trained on other features. */
  ML_MODEL_INVALID: 'ML_MODEL_INVALID',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface BybotErrorOptions {
  readonly cause?: unknown;
  /** Exchange-specific detail (e.g. Bybit retCode), safe to log: never holds secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class BybotError extends Error {
  readonly code: ErrorCode;
  readonly level: EscalationLevel;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    level: EscalationLevel,
    retryable: boolean,
    options: BybotErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.level = level;
    this.retryable = retryable;
    this.details = options.details ?? {};
  }

  /** Plain JSON for logs, HTTP and snapshots (Error objects do not serialise their fields). */
  toJSON(): SerializedError {
    return { name: this.name, code: this.code, level: this.level, retryable: this.retryable, message: this.message, details: this.details };
  }
}

export interface SerializedError {
  readonly name: string;
  readonly code: string;
  readonly level: EscalationLevel;
  readonly retryable: boolean;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A model file of the ML filter that cannot be served: `code` says whether its checksum failed or it is unusable. */
export class MlModelError extends BybotError {
  readonly file: string;
  constructor(code: typeof ERROR_CODES.ML_MODEL_CHECKSUM | typeof ERROR_CODES.ML_MODEL_INVALID, file: string, message: string) {
    super(code, `${file}: ${message}`, 'system', false, { details: { file } });
    this.file = file;
  }
}

/** A research input (search space, results file, comparison) that cannot be used; one line per problem. */
export class ResearchInputError extends BybotError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(ERROR_CODES.RESEARCH_INVALID, problems.join('; '), 'system', false, { details: { problems } });
    this.problems = problems;
  }
}

export class ConfigError extends BybotError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(ERROR_CODES.CONFIG_INVALID, `invalid configuration: ${problems.length} problem(s)`, 'system', false, { details: { problems } });
    this.problems = problems;
  }
}

/** Connection refused, DNS failure, HTTP 5xx: the exchange did not answer the request. */
export class ExchangeUnavailableError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.EXCHANGE_UNAVAILABLE, message, 'strategy', true, options);
  }
}

export class TimeoutError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.TIMEOUT, message, 'strategy', true, options);
  }
}

export class RateLimitError extends BybotError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options?: BybotErrorOptions) {
    super(ERROR_CODES.RATE_LIMITED, message, 'strategy', true, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** Key invalid, signature rejected, permission or IP whitelist: nothing will work, stop trading. */
export class AuthError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.AUTH_REJECTED, message, 'system', false, options);
  }
}

/** The exchange refused the order's parameters (filters, price band, reduce-only...). */
export class OrderRejectedError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.ORDER_REJECTED, message, 'strategy', false, options);
  }
}

export class InsufficientBalanceError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.INSUFFICIENT_BALANCE, message, 'symbol', false, options);
  }
}

export class OrderNotFoundError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.ORDER_NOT_FOUND, message, 'strategy', false, options);
  }
}

/** The orderLinkId was already used: the order exists, look it up instead of placing it again. */
export class DuplicateOrderError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.DUPLICATE_ORDER, message, 'strategy', false, options);
  }
}

/** The exchange answered with something that does not match its documented shape. */
export class InvalidResponseError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.INVALID_RESPONSE, message, 'strategy', true, options);
  }
}

/** We were about to send something the exchange would reject (caught before sending). */
export class InvalidRequestError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.INVALID_REQUEST, message, 'strategy', false, options);
  }
}

export class UnknownSymbolError extends BybotError {
  constructor(symbol: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.UNKNOWN_SYMBOL, `unknown symbol ${symbol}`, 'symbol', false, options);
  }
}

/** The order gate is closed (HALTED or shutting down). */
export class TradingHaltedError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.TRADING_HALTED, message, 'strategy', false, options);
  }
}

/** Our view of the account contradicts the exchange's: corrupt data is worse than no data. */
export class InvariantViolation extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.INVARIANT_VIOLATION, message, 'system', false, options);
  }
}

export class StrategyFailedError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.STRATEGY_FAILED, message, 'strategy', false, options);
  }
}

export class AbortedError extends BybotError {
  constructor(message = 'aborted', options?: BybotErrorOptions) {
    super(ERROR_CODES.ABORTED, message, 'strategy', true, options);
  }
}

/** The exchange refused our request timestamp (Bybit 10002): resync the clock offset, then retry. */
export class ClockSkewError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.CLOCK_SKEW, message, 'strategy', true, options);
  }
}

/** The data directory (journal, control token, logs) cannot be created or written. */
export class DataDirError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.DATA_DIR_UNUSABLE, message, 'system', false, options);
  }
}

/** A start-up step that did not finish in time; `details.step` names it. */
export class StartupTimeoutError extends BybotError {
  constructor(step: string, deadlineMs: number) {
    super(ERROR_CODES.STARTUP_TIMEOUT, `start-up step ${step} did not finish within ${deadlineMs} ms (startup.deadlineMs)`, 'system', false, { details: { step, deadlineMs } });
  }
}

/** Anything that is not a BybotError becomes one, so `event.error` is always typed. */
export function toBybotError(error: unknown): BybotError {
  if (error instanceof BybotError) return error;
  if (error instanceof Error) {
    if (error.name === 'AbortError') return new AbortedError(error.message, { cause: error });
    return new BybotError(ERROR_CODES.UNEXPECTED, error.message, 'strategy', false, { cause: error });
  }
  return new BybotError(ERROR_CODES.UNEXPECTED, describeUnknown(error), 'strategy', false);
}

export function serializeError(error: unknown): SerializedError {
  return toBybotError(error).toJSON();
}

function describeUnknown(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A secret could not be read from its provider. The message names the secret and the provider, never the value. */
export class SecretUnavailableError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.SECRET_UNAVAILABLE, message, 'system', false, options);
  }
}

/** A secret is readable by others, or sits in plain text where live mode refuses it. */
export class SecretInsecureError extends BybotError {
  constructor(message: string, options?: BybotErrorOptions) {
    super(ERROR_CODES.SECRET_INSECURE, message, 'system', false, options);
  }
}
