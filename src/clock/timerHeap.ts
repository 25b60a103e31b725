/** A timer of a discrete-event clock: due `at`, ties broken by creation order (`id`). */
export interface HeapTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * Timers ordered by (at, id) in a binary heap: O(log n) to add and to take the next,
 * cancelled ones are dropped lazily. The lock-step clock of `--engine actors` holds one
 * timer per actor (cooldowns) and per symbol (fallback ticks); a sorted array made every
 * insert O(timers), i.e. O(actors^2) per candle close.
 */
export class TimerHeap {
  private readonly items: HeapTimer[] = [];
  private readonly byId = new Map<number, HeapTimer>();

  get size(): number {
    return this.byId.size;
  }

  push(timer: HeapTimer): void {
    this.byId.set(timer.id, timer);
    const items = this.items;
    items.push(timer);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  cancel(id: number): void {
    const timer = this.byId.get(id);
    if (!timer) return;
    timer.cancelled = true;
    this.byId.delete(id);
  }

  /** The next live timer, without removing it. */
  peek(): HeapTimer | undefined {
    this.dropCancelled();
    return this.items[0];
  }

  /** Removes and returns the next live timer. */
  pop(): HeapTimer | undefined {
    this.dropCancelled();
    const top = this.items[0];
    if (top === undefined) return undefined;
    this.removeTop();
    this.byId.delete(top.id);
    return top;
  }

  private dropCancelled(): void {
    while (this.items.length > 0 && this.items[0]!.cancelled) this.removeTop();
  }

  private removeTop(): void {
    const items = this.items;
    const last = items.pop()!;
    if (items.length === 0) return;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && before(items[l]!, items[m]!)) m = l;
      if (r < items.length && before(items[r]!, items[m]!)) m = r;
      if (m === i) break;
      [items[i], items[m]] = [items[m]!, items[i]!];
      i = m;
    }
  }
}

function before(a: HeapTimer, b: HeapTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id);
}
