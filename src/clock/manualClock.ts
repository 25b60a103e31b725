import type { Clock } from '../ports/clock.ts';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/** Lets promise chains started by a timer settle before the next timer fires. */
export async function flushAsync(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A discrete-event clock for tests and backtests: time only moves when `advanceTo` /
 * `advanceBy` is called, timers fire in deadline order (ties in creation order), and the
 * event loop is drained after each one, so asynchronous in-process I/O completes "instantly"
 * in simulated time. Runs are deterministic: the same calls produce the same timeline.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start: number) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer: Timer = { id: ++this.seq, at: this.current + Math.max(0, ms), fn };
    // Insert keeping (at, id) order; timers are few, a linear scan from the end is fine.
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.at > timer.at) i--;
    this.timers.splice(i, 0, timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    const i = this.timers.findIndex((t) => t.id === handle);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /** Number of timers waiting. */
  pending(): number {
    return this.timers.length;
  }

  /** Deadline of the next timer, or undefined. */
  nextDeadline(): number | undefined {
    return this.timers[0]?.at;
  }

  async advanceTo(target: number): Promise<void> {
    await flushAsync();
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      if (next.at > this.current) this.current = next.at;
      next.fn();
      await flushAsync();
    }
    if (target > this.current) this.current = target;
    await flushAsync();
  }

  advanceBy(ms: number): Promise<void> {
    return this.advanceTo(this.current + ms);
  }
}
