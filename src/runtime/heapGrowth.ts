import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection,
 * in percent (`limits.heapGrowingPercent`). Left to itself V8 grows it by up to 4x when
 * collections look cheap: at 2,000 actors about 105 MB were live and the heap held 380 MB,
 * most of it dead cycle snapshots waiting for the next full collection. At 100 (the heap
 * may double) the same run peaked at 415 MB RSS instead of 550 MB with the same event-loop
 * p99 (live bench; README, `limits.heapGrowingPercent`); at 50 the event loop paid for the extra collections.
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
