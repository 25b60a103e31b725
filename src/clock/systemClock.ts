import type { Clock } from '../ports/clock.ts';
import { ClockTimer } from './timerSlices.ts';

/** Wall-clock time for live trading. The one place that reads Date.now(). */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  /** Callbacks of timers that expire together run in slices (src/clock/timerSlices.ts). */
  setTimeout(fn: () => void, ms: number): unknown {
    const timer = new ClockTimer(fn);
    timer.arm(() => timer.fire(), ms);
    return timer;
  }
  clearTimeout(handle: unknown): void {
    if (handle instanceof ClockTimer) handle.cancel();
    else clearTimeout(handle as NodeJS.Timeout);
  }
}
