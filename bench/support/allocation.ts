import { GCProfiler, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Bytes a piece of code allocates on the V8 heap, GCs included. Method: force a full GC
 * (so no earlier garbage is left to be collected), read the heap's used size, run the code
 * under a GCProfiler, read the used size again; every GC that ran meanwhile reports its
 * heap before and after, and what it freed was allocated inside the window. So
 *   allocated = (used after - used before) + sum over GCs of (before GC - after GC).
 * A fixed cost of the measurement itself (the profiler, the reads) is measured on an
 * empty function and subtracted. Exact for code that allocates nothing (0) and within a
 * few hundred bytes per window otherwise, so spread it over many candles.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function allocatedBy<T>(prepare: () => T, run: (input: T) => void): number {
  const input = prepare();
  gc();
  const profiler = new GCProfiler();
  profiler.start();
  const before = getHeapStatistics().used_heap_size;
  run(input);
  const after = getHeapStatistics().used_heap_size;
  const result = profiler.stop();
  let freed = 0;
  for (const event of result?.statistics ?? []) freed += event.beforeGC.heapStatistics.usedHeapSize - event.afterGC.heapStatistics.usedHeapSize;
  return after - before + freed;
}

/**
 * Bytes allocated by `run`, net of the measurement's own cost; `prepare` builds its input
 * outside the measured window, afresh for every repeat. The least of `repeats` windows:
 * an allocation the code makes shows in every window, while the JIT's own work (a late
 * optimisation or deoptimisation lands in one window now and then, as code and feedback
 * objects) does not, and is not what this measures.
 */
export function bytesAllocated<T>(prepare: () => T, run: (input: T) => void, repeats = 7): number {
  const noop = (): void => {};
  let least = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) least = Math.min(least, allocatedBy(prepare, run) - allocatedBy(() => undefined, noop));
  return Math.max(0, least);
}
