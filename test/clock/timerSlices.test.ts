import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/clock/systemClock.ts';
import { AcceleratedClock } from '../../src/clock/acceleratedClock.ts';
import { slicedWaiting, TIMER_SLICE_MS } from '../../src/clock/timerSlices.ts';

const busy = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('clock timers that expire together', () => {
  it('run in order, in slices that let the event loop turn in between', async () => {
    const clock = new SystemClock();
    const ran: number[] = [];
    let ranWhenLoopTurned = -1;
    for (let i = 0; i < 40; i++) {
      clock.setTimeout(() => {
        if (i === 0) setImmediate(() => (ranWhenLoopTurned = ran.length));
        ran.push(i);
        busy(1);
      }, 5);
    }
    await settle(200);
    expect(ran).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // Node alone runs all 40 expired timers before any immediate: here the loop turned after
    // about one slice of 1 ms callbacks.
    expect(ranWhenLoopTurned).toBeGreaterThan(0);
    expect(ranWhenLoopTurned).toBeLessThanOrEqual(TIMER_SLICE_MS + 3);
    expect(slicedWaiting()).toBe(0);
  });

  it('a timer cleared while its callback waits for a slice does not run', async () => {
    const clock = new AcceleratedClock(0, 60);
    const ran: string[] = [];
    let b: unknown;
    clock.setTimeout(() => {
      ran.push('a');
      busy(TIMER_SLICE_MS + 2);
      clock.clearTimeout(b);
    }, 60);
    b = clock.setTimeout(() => ran.push('b'), 60);
    clock.setTimeout(() => ran.push('c'), 60);
    await settle(100);
    expect(ran).toEqual(['a', 'c']);
  });
});
