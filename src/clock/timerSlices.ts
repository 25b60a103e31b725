import { performance } from 'node:perf_hooks';

/** Real ms of clock-timer callbacks run back to back before the rest wait for the next event-loop turn. */
export const TIMER_SLICE_MS = 5;

// Taken when the module loads: a test that fakes the global timers must not stall the slices.
const nextTurn: (fn: () => void) => void = setImmediate;

/** A fired clock timer waiting for its slice; `run` does nothing once it was cleared. */
export interface SlicedRun {
  run(): void;
}

const waiting: SlicedRun[] = [];
let head = 0;
let sliceStart = -1;

/**
 * Runs the callback of a clock timer that has just fired, or queues it behind the others when
 * the timers that fired in this event-loop turn have already run for TIMER_SLICE_MS.
 *
 * Why: every strategy actor ticked at a candle close enters its cooldown at the same instant,
 * so 2,000 cooldown timers expire together, and Node runs every expired timer in one pass: at
 * 2,000 actors that pass blocked the event loop for 35-165 ms (the HTTP server, the kline
 * stream and the order path waited). The queue keeps the order in which the timers fired and
 * is worked off in slices of the same length, one per event-loop turn. A callback that throws
 * in a slice is an uncaught exception of the process, as from a Node timer.
 */
export function runSliced(timer: SlicedRun): void {
  if (head < waiting.length) {
    waiting.push(timer);
    return;
  }
  const now = performance.now();
  if (sliceStart < 0) {
    sliceStart = now;
    nextTurn(endSlice);
  } else if (now - sliceStart > TIMER_SLICE_MS) {
    waiting.push(timer);
    return;
  }
  timer.run();
}

function endSlice(): void {
  sliceStart = -1;
  drain();
}

function drain(): void {
  const start = performance.now();
  while (head < waiting.length) {
    if (performance.now() - start > TIMER_SLICE_MS) {
      nextTurn(drain);
      return;
    }
    const timer = waiting[head]!;
    waiting[head++] = DONE;
    try {
      timer.run();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
  waiting.length = 0;
  head = 0;
}

const DONE: SlicedRun = { run: () => undefined };

/** Fired timers waiting for a slice (tests). */
export function slicedWaiting(): number {
  return waiting.length - head;
}

/**
 * The handle of a SystemClock or AcceleratedClock timer: a Node timer whose callback goes
 * through runSliced. Clearing it also stops a callback that fired but waits for its slice.
 */
export class ClockTimer implements SlicedRun {
  private node: NodeJS.Timeout | null = null;
  private referenced = true;
  private cleared = false;

  constructor(private readonly fn: () => void) {}

  /** Waits `realMs`, then `onFire` (which calls `fire()` or re-arms). */
  arm(onFire: () => void, realMs: number): void {
    this.node = setTimeout(onFire, Math.max(0, realMs));
    if (!this.referenced) this.node.unref();
  }

  /** The wait is over: the callback runs in the current slice or waits for the next. */
  fire(): void {
    this.node = null;
    runSliced(this);
  }

  run(): void {
    if (!this.cleared) this.fn();
  }

  cancel(): void {
    this.cleared = true;
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
