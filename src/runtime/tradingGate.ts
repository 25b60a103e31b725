import { TradingHaltedError } from '../domain/errors.ts';
import type { TradingState } from '../domain/types.ts';

/**
 * The last line before an order leaves the process. The system supervisor owns the
 * trading state; the runtime mirrors it here synchronously (snapshot subscription), and
 * shutdown closes the gate too. Every submission is tracked so shutdown can wait for
 * in-flight orders instead of abandoning them mid-request.
 */
export class TradingGate {
  private state: TradingState = 'ACTIVE';
  private reason = '';
  private shuttingDown = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  current(): TradingState {
    return this.shuttingDown ? 'HALTED' : this.state;
  }

  haltReason(): string {
    return this.shuttingDown ? 'shutting down' : this.reason;
  }

  set(state: TradingState, reason = ''): void {
    this.state = state;
    this.reason = reason;
  }

  beginShutdown(): void {
    this.shuttingDown = true;
  }

  /** Throws TradingHaltedError unless new (exposure-increasing) orders are allowed. */
  assertCanOpen(): void {
    const state = this.current();
    if (state === 'HALTED') throw new TradingHaltedError(`trading is HALTED: ${this.haltReason() || 'no reason recorded'}`);
    if (state === 'REDUCING') throw new TradingHaltedError('trading is REDUCING: only reduce-only orders are allowed');
  }

  track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const done = (): void => {
      this.inFlight.delete(promise);
    };
    promise.then(done, done);
    return promise;
  }

  pending(): number {
    return this.inFlight.size;
  }

  /** Waits (real time) until no submission is in flight, or the deadline passes. */
  async drain(deadlineMs: number): Promise<{ readonly completed: boolean; readonly pending: number }> {
    const all = Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), deadlineMs);
    });
    const result = await Promise.race([all.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    return { completed: result === 'done', pending: this.inFlight.size };
  }
}
