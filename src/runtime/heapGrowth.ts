import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection,
 * in percent (`limits.heapGrowingPercent`). Left to itself V8 grows it by up to 4x when
 * collections look cheap: at 2,000 actors about 105 MB were live and the heap held 380 MB,
 * most of it dead cycle snapshots waiting for the next full collection. At 100 (the heap
 * may double) the same run peaked at 415 MB RSS instead of 550 MB with the same event-loop
 * p99 (live bench; README, `limits.heapGrowingPercent`); at 50 the event loop paid for the extra
 * collections then. Once the young generation stopped growing (`limits.semiSpaceGrowthFactor`
 * 1, below) the full collections got cheaper: at 50 the same run peaked at 283-288 MB in four
 * of five runs against 321-369 MB at 100, with an event-loop p99 of 14-16 ms, so 50 is the
 * default. 30 saved another 10-12 MB (275-281 MB) but the closes' dispatch lagged the fallback
 * grace more often: 12-54 fallback ticks per 20 s run against 7-15 at 50, and a p99 1-2 ms
 * higher; the 300 MB target holds at 50, so the degraded ticks were not worth the memory.
 * 0 gives the choice back to V8.
 *
 * The flag is process-wide and read at every full collection, so setting it once the
 * configuration is known (a few ms into the start, before the actors exist) is enough.
 */
export function applyHeapGrowth(percent: number, setFlags: (flags: string) => void = setFlagsFromString): string {
  const flag = `--heap-growing-percent=${Math.max(0, Math.floor(percent))}`;
  setFlags(flag);
  return flag;
}

/**
 * How much V8 may grow the young generation (its semi-spaces) at a time, as the factor of
 * `--semi-space-growth-factor` (`limits.semiSpaceGrowthFactor`; V8's own default is 2).
 * Under the actors' steady allocation V8 doubles the semi-spaces up to 16 MB each, and the
 * heap then holds 33.6 MB of young space whatever is live. At 1 the young space ends at 16.8
 * MB instead (measured at the end of the live bench's runs, at 100 and at 2,000 actors; the
 * same with the flag on node's command line, so it is not growth before the start sets it;
 * the small process of the test keeps about 2 MB; what grows it here is not known). Scavenges
 * come more often but each copies only what is alive in the smaller space. In the live bench
 * this took the 2,000 actors from 370 to 325-332 MB peak RSS and 100 actors from 138 to 122
 * MB, with a lower event-loop p99 (12.7-13 ms against 15.6 ms) and cycle p99 (1.6 against
 * 1.8 ms). 0 leaves V8's default. The flag is read whenever V8 grows the space.
 */
export function applySemiSpaceGrowth(factor: number, setFlags: (flags: string) => void = setFlagsFromString): string | null {
  if (factor <= 0) return null;
  const flag = `--semi-space-growth-factor=${Math.floor(factor)}`;
  setFlags(flag);
  return flag;
}
