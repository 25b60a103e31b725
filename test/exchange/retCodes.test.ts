import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ClockSkewError,
  DuplicateOrderError,
  ExchangeUnavailableError,
  InsufficientBalanceError,
  OrderNotFoundError,
  OrderRejectedError,
  RateLimitError,
  TimeoutError,
} from '../../src/domain/errors.ts';
import { classifyRetCode, errorFromRetCode, NOT_MODIFIED_CODES } from '../../src/exchange/bybit/retCodes.ts';
import { fromTransportError, isFailoverError, transportKind } from '../../src/exchange/bybit/transportErrors.ts';

describe('retCode table', () => {
  it.each([
    [10003, AuthError, 'system', false],
    [10004, AuthError, 'system', false],
    [10005, AuthError, 'system', false],
    [10007, AuthError, 'system', false],
    [10010, AuthError, 'system', false],
    [10006, RateLimitError, 'strategy', true],
    [10018, RateLimitError, 'strategy', true],
    [10001, OrderRejectedError, 'strategy', false],
    [110094, OrderRejectedError, 'strategy', false],
    [110017, OrderRejectedError, 'strategy', false],
    [110007, InsufficientBalanceError, 'symbol', false],
    [110072, DuplicateOrderError, 'strategy', false],
    [110001, OrderNotFoundError, 'strategy', false],
    [10002, ClockSkewError, 'strategy', true],
    [10016, ExchangeUnavailableError, 'strategy', true],
    [10000, ExchangeUnavailableError, 'strategy', true],
  ] as const)('retCode %i -> %o at level %s (retryable %s)', (code, cls, level, retryable) => {
    const error = errorFromRetCode(code, 'msg', { operation: 'op' });
    expect(error).toBeInstanceOf(cls);
    expect(error.level).toBe(level);
    expect(error.retryable).toBe(retryable);
    expect(error.details).toMatchObject({ retCode: code, retMsg: 'msg', operation: 'op' });
  });

  it('unknown codes are rejections, never retried', () => {
    expect(classifyRetCode(123456)).toBe('reject');
    expect(errorFromRetCode(123456, 'x', { operation: 'op' }).retryable).toBe(false);
  });

  it('"not modified" codes (leverage 110043, TP/SL 34040) are listed as success', () => {
    expect(NOT_MODIFIED_CODES.has(110043)).toBe(true);
    expect(NOT_MODIFIED_CODES.has(34040)).toBe(true);
  });

  it('a 10006 carries the wait until the window resets', () => {
    const error = errorFromRetCode(10006, 'Too many visits!', { operation: 'op', retryAfterMs: 750 }) as RateLimitError;
    expect(error.retryAfterMs).toBe(750);
  });
});

describe('SDK rejections -> typed errors', () => {
  it('HTTP errors thrown as plain objects', () => {
    const forbidden = fromTransportError({ code: 403, message: 'Forbidden', body: '<html>' }, 'candles', 'http://x');
    expect(forbidden).toBeInstanceOf(RateLimitError);
    const unavailable = fromTransportError({ code: 503, message: 'Service Unavailable', body: '' }, 'candles', 'http://x');
    expect(unavailable).toBeInstanceOf(ExchangeUnavailableError);
    expect(unavailable.details).toMatchObject({ httpStatus: 503, transport: 'server' });
    expect(fromTransportError({ code: 401, message: 'Unauthorized' }, 'balance', 'http://x')).toBeInstanceOf(AuthError);
  });

  it('network errors: DNS, refused, timeout; only those fail over', () => {
    const dns = fromTransportError(Object.assign(new Error('getaddrinfo ENOTFOUND api.bybit.com'), { code: 'ENOTFOUND' }), 'candles', 'u');
    expect(transportKind(dns)).toBe('dns');
    expect(isFailoverError(dns)).toBe(true);
    const refused = fromTransportError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'candles', 'u');
    expect(transportKind(refused)).toBe('connect');
    const timeout = fromTransportError(Object.assign(new Error('timeout of 10000ms exceeded'), { code: 'ECONNABORTED' }), 'candles', 'u');
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect(isFailoverError(timeout)).toBe(true);
    expect(isFailoverError(fromTransportError({ code: 503, message: 'x' }, 'c', 'u'))).toBe(false);
  });

  it('bare strings (request could not be built)', () => {
    expect(transportKind(fromTransportError('getaddrinfo ENOTFOUND api.bybit.com', 'c', 'u'))).toBe('dns');
    expect(fromTransportError('timeout of 5000ms exceeded', 'c', 'u')).toBeInstanceOf(TimeoutError);
  });
});
