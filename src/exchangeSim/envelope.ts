/**
 * Bybit V5's response envelope. Every answer, success or business error, has the same
 * shape and HTTP 200; `time` is the server's wall clock (clients sync their clock on it).
 */
export interface Envelope {
  readonly retCode: number;
  readonly retMsg: string;
  readonly result: unknown;
  readonly retExtInfo: Record<string, unknown>;
  readonly time: number;
}

/** A business error answered as `{retCode, retMsg}` (HTTP 200 unless httpStatus says otherwise). */
export class BybitApiError extends Error {
  constructor(
    readonly retCode: number,
    readonly retMsg: string,
    readonly httpStatus = 200,
  ) {
    super(`${retCode} ${retMsg}`);
    this.name = 'BybitApiError';
  }
}

export function ok(result: unknown, now: number, retMsg = 'OK'): Envelope {
  return { retCode: 0, retMsg, result, retExtInfo: {}, time: now };
}

export function fail(error: BybitApiError, now: number): Envelope {
  return { retCode: error.retCode, retMsg: error.retMsg, result: {}, retExtInfo: {}, time: now };
}

/** Shorthand for the generic parameter error (10001), the most common rejection. */
export function paramsError(message: string): BybitApiError {
  return new BybitApiError(10001, message);
}
