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

  setTimeout(fn: () => void, ms: number): unknown {
    return setTimeout(fn, Math.max(0, ms) / this.speed);
  }

  clearTimeout(handle: unknown): void {
    clearTimeout(handle as NodeJS.Timeout);
  }
}

/** Simulated ms per real ms of an accelerated clock (the dry-run simulator), else 1: the system, lock-step and manual clocks have no real-time jitter to scale. */
export function clockSpeedOf(clock: unknown): number {
  return clock instanceof AcceleratedClock ? clock.speed : 1;
}
