import { AbortedError } from '../domain/errors.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import { decoratePort } from './decoratePort.ts';

/**
 * Tracks every exchange call in flight so that a shutdown past its deadline can abort them
 * all at once: each call gets an AbortSignal that fires on `abortAll`, and its promise
 * rejects at once even if the transport underneath ignores the signal (a hung socket).
 */
export interface AbortablePort {
  readonly port: ExchangePort;
  /** Calls in flight right now. */
  inFlight(): number;
  /** Rejects every call in flight (and every later one) with AbortedError; returns how many were aborted. */
  abortAll(reason: string): number;
}

export function abortable(port: ExchangePort): AbortablePort {
  const pending = new Set<(error: AbortedError) => void>();
  let aborted: AbortedError | null = null;
  const decorated = decoratePort(port, (operation, options, call) => {
    if (aborted) return Promise.reject(aborted);
    const controller = new AbortController();
    const parent = options?.signal;
    if (parent?.aborted) return Promise.reject(parent.reason);
    const onParentAbort = (): void => controller.abort(parent?.reason);
    parent?.addEventListener('abort', onParentAbort, { once: true });
    return new Promise((resolve, reject) => {
      const abort = (error: AbortedError): void => {
        settle();
        controller.abort(error);
        reject(new AbortedError(`${operation}: ${error.message}`, { details: { operation, transport: 'aborted' } }));
      };
      const settle = (): void => {
        pending.delete(abort);
        parent?.removeEventListener('abort', onParentAbort);
      };
      pending.add(abort);
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
  return {
    port: decorated,
    inFlight: () => pending.size,
    abortAll(reason) {
      aborted = new AbortedError(reason);
      const calls = [...pending];
      for (const abort of calls) abort(aborted);
      return calls.length;
    },
  };
}
