import { describe, expect, it } from 'vitest';
import { LockStepClock } from '../../src/clock/lockStepClock.ts';
import { TimerHeap, type HeapTimer } from '../../src/clock/timerHeap.ts';
import { mulberry32 } from '../../src/core/rng.ts';

describe('TimerHeap', () => {
  it('pops timers by time, ties in creation order, and skips cancelled ones', () => {
    const heap = new TimerHeap();
    const random = mulberry32(7);
    const all: HeapTimer[] = [];
    for (let id = 1; id <= 500; id++) {
      const timer: HeapTimer = { id, at: Math.floor(random() * 50), fn: () => undefined, cancelled: false };
      all.push(timer);
      heap.push(timer);
    }
    for (const timer of all) if (timer.id % 7 === 0) heap.cancel(timer.id);
    const expected = all.filter((t) => t.id % 7 !== 0).sort((a, b) => a.at - b.at || a.id - b.id).map((t) => t.id);
    expect(heap.size).toBe(expected.length);
    const popped: number[] = [];
    for (let t = heap.pop(); t; t = heap.pop()) popped.push(t.id);
    expect(popped).toEqual(expected);
    expect(heap.size).toBe(0);
  });
});

describe('LockStepClock', () => {
  it('fires the timers of one instant together in creation order, after the busy work settles', async () => {
    const clock = new LockStepClock(1_000, () => false);
    const log: string[] = [];
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
    const cancelled = clock.setTimeout(() => log.push('never'), 20);
    clock.setTimeout(() => {
      log.push(`c@${clock.now()}`);
      // A timer set while running lands later, relative to the new time.
      clock.setTimeout(() => log.push(`d@${clock.now()}`), 5);
    }, 20);
    clock.clearTimeout(cancelled);
    await clock.runUntil(1_100);
    expect(log).toEqual(['a@1010', 'b@1020', 'c@1020', 'd@1025']);
    expect(clock.now()).toBe(1_100);
  });

  it('does not move time while the system is busy', async () => {
    let pending = 0;
    const clock = new LockStepClock(0, () => pending > 0);
    const seen: number[] = [];
    const work = (): void => {
      if (pending > 0) {
        pending--;
        setImmediate(work);
      }
    };
    clock.setTimeout(() => {
      pending = 3;
      work();
    }, 10);
    clock.setTimeout(() => seen.push(pending), 20);
    await clock.runUntil(30);
    expect(seen).toEqual([0]);
  });
});
