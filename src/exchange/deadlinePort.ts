import { TimeoutError } from '../domain/errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import { decoratePort } from './decoratePort.ts';

/**
 * Gives every call a deadline on the given clock: the call's AbortSignal fires and the
 * promise rejects with TimeoutError, even if the implementation ignores the signal. Used
 * in front of the in-process simulator, whose latency faults run on simulated time.
 */
export function withDeadline(port: ExchangePort, clock: Clock, timeoutMs: number): ExchangePort {
  return decoratePort(port, (operation, options, call) => {
    const controller = new AbortController();
    const parent = options?.signal;
    if (parent?.aborted) return Promise.reject(parent.reason);
    const onParentAbort = (): void => controller.abort(parent?.reason);
    parent?.addEventListener('abort', onParentAbort, { once: true });

    return new Promise((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        const error = new TimeoutError(`${operation} timed out after ${timeoutMs} ms`, { details: { operation, timeoutMs } });
        controller.abort(error);
        reject(error);
      }, timeoutMs);
      const settle = (): void => {
        clock.clearTimeout(timer);
        parent?.removeEventListener('abort', onParentAbort);
      };
      call({ signal: controller.signal }).then(
        (value) => {
          settle();
          resolve(value);
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    });
  });
}
