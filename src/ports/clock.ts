/**
 * Time as a port. Logic never reads Date.now(): it takes a Clock. The interface is a
 * superset of XState's Clock, so the same object drives actor timers (`after`, delayed
 * `raise`) and our own code, in live (SystemClock), dry-run (AcceleratedClock) and tests
 * (ManualClock).
 */
export interface Clock {
  /** UTC epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Sleeps on the given clock; rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
