import { performance } from 'node:perf_hooks';
import type { Clock } from '../ports/clock.ts';

/**
 * Simulated time that runs `speed` times faster than the wall clock, starting at `epoch`.
 * Dry-run uses it so a 30-second demo covers 30 simulated minutes of 1-minute candles.
 * It is monotonic (performance.now), so a wall-clock jump cannot move simulated time back.
 */
export class AcceleratedClock implements Clock {
  readonly epoch: number;
  readonly speed: number;
  private readonly realStart: number;

  constructor(epoch: number, speed: number) {
    if (!(speed > 0)) throw new RangeError(`clock speed must be > 0, got ${speed}`);
    this.epoch = epoch;
    this.speed = speed;
    this.realStart = performance.now();
  }

  now(): number {
    return Math.floor(this.epoch + (performance.now() - this.realStart) * this.speed);
  }

  /**
   * Never fires before `ms` simulated ms have passed by `now()`. Node compares whole
   * milliseconds of loop time, so a bare timer may fire up to 1 real ms early, which at 60x
   * is 60 simulated ms: a candle-close timer saw the candle still forming (and re-polled, or
   * confirmed it with the last instants missing). A timer that fires early waits the rest.
   */
  setTimeout(fn: () => void, ms: number): unknown {
    const due = performance.now() + Math.max(0, ms) / this.speed;
    const timer = new AcceleratedTimer();
    const fire = (): void => {
      const rest = due - performance.now();
      if (rest > 0) timer.arm(fire, rest);
      else fn();
    };
    timer.arm(fire, due - performance.now());
    return timer;
  }

  clearTimeout(handle: unknown): void {
    if (handle instanceof AcceleratedTimer) handle.cancel();
    else clearTimeout(handle as NodeJS.Timeout);
  }
}

/** The handle of an AcceleratedClock timer: the Node timer of its current wait (re-armed when Node fired early). */
class AcceleratedTimer {
  private node: NodeJS.Timeout | null = null;
  private referenced = true;

  arm(fn: () => void, realMs: number): void {
    this.node = setTimeout(fn, Math.max(0, realMs));
    if (!this.referenced) this.node.unref();
  }

  cancel(): void {
    if (this.node) clearTimeout(this.node);
    this.node = null;
  }

  /** As Node's Timeout: an unref'd timer does not keep the process alive. */
  unref(): this {
    this.referenced = false;
    this.node?.unref();
    return this;
  }

  ref(): this {
    this.referenced = true;
    this.node?.ref();
    return this;
  }

  hasRef(): boolean {
    return this.referenced;
  }
}

/** Simulated ms per real ms of an accelerated clock (the dry-run simulator), else 1: the system, lock-step and manual clocks have no real-time jitter to scale. */
export function clockSpeedOf(clock: unknown): number {
  return clock instanceof AcceleratedClock ? clock.speed : 1;
}
