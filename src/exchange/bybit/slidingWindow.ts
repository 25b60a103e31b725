/**
 * A rolling-window counter that provably stays within the server's window whatever the
 * latency: a request in flight counts as "now", a finished one counts at its completion
 * time. The server saw it at some point between send and completion, so any server window
 * holding N of our requests also held them in our count when the last of them was sent.
 */
export class SlidingWindow {
  private inFlight = 0;
  /** Completion times, oldest first. */
  private done: number[] = [];

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  private prune(now: number): void {
    let i = 0;
    while (i < this.done.length && this.done[i]! <= now - this.windowMs) i++;
    if (i > 0) this.done.splice(0, i);
  }

  used(now: number): number {
    this.prune(now);
    return this.inFlight + this.done.length;
  }

  /** ms until a slot frees (0 = now; Infinity = only when an in-flight request finishes). */
  waitMs(now: number): number {
    if (this.used(now) < this.max) return 0;
    // Only completed requests age out; the oldest one leaves the window first.
    return this.done.length > 0 ? Math.max(1, this.done[0]! + this.windowMs - now + 1) : Number.POSITIVE_INFINITY;
  }

  take(): void {
    this.inFlight += 1;
  }

  finish(now: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.done.push(now);
  }
}
