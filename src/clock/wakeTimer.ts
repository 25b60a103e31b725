import type { Clock } from '../ports/clock.ts';

/**
 * One pending wake-up on a clock, at the earliest instant asked for: a worker that sleeps
 * until its next due item asks `wake(delay)` for each, and only an earlier one re-arms the
 * timer. The timer does not keep the process alive (unref where the clock's handle has it).
 */
export class WakeTimer {
  private handle: unknown;
  private wakeAt = Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly onWake: () => void,
  ) {}

  wake(delay: number): void {
    const at = this.clock.now() + delay;
    if (at >= this.wakeAt) return;
    this.clock.clearTimeout(this.handle);
    this.wakeAt = at;
    this.handle = this.clock.setTimeout(() => {
      this.wakeAt = Infinity;
      this.onWake();
    }, Math.max(0, delay));
    (this.handle as { unref?: () => void } | undefined)?.unref?.();
  }

  cancel(): void {
    this.clock.clearTimeout(this.handle);
    this.wakeAt = Infinity;
  }
}
