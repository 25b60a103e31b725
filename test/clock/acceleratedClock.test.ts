import { describe, expect, it } from 'vitest';
import { AcceleratedClock } from '../../src/clock/acceleratedClock.ts';

describe('AcceleratedClock timers', () => {
  it('never fire before the simulated delay has passed by now() (Node may fire a bare timer up to 1 real ms early: 600 simulated ms at 600x)', async () => {
    const clock = new AcceleratedClock(Date.UTC(2026, 0, 5), 600);
    const early: number[] = [];
    const fired = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const ms = 60 * (i + 1);
        const at = clock.now();
        return new Promise<number>((resolve) => {
          clock.setTimeout(() => {
            const waited = clock.now() - at;
            if (waited < ms) early.push(ms - waited);
            resolve(waited);
          }, ms);
        });
      }),
    );
    expect(early).toEqual([]);
    expect(fired).toHaveLength(40);
  });

  it('a cleared timer does not fire, and its handle can be unref-ed like a Node timer', async () => {
    const clock = new AcceleratedClock(0, 100);
    let fired = 0;
    const handle = clock.setTimeout(() => fired++, 100) as { unref(): unknown; hasRef(): boolean };
    expect(handle.unref()).toBe(handle);
    expect(handle.hasRef()).toBe(false);
    clock.clearTimeout(handle);
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(0);
  });
});
