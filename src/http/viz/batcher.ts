import type { VizActorRow, VizTree } from './rows.ts';

/**
 * Coalesces registry changes into batches for the visualiser's WebSocket. With 2,000
 * actors each changing state several times per simulated minute, one message per change
 * would flood the browser; instead an actor is only marked dirty, and at most one batch
 * per interval (real time) carries the latest row of every dirty actor, once.
 *
 * The timer is injected so that tests check the batching logic without waiting.
 */

export interface BatchTimer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimer: BatchTimer = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface VizBatch {
  readonly type: 'batch';
  readonly seq: number;
  readonly actors: readonly VizActorRow[];
  /** Present only when the system or a symbol supervisor changed since the last batch. */
  readonly tree?: VizTree;
}

export interface BatcherOptions {
  readonly intervalMs: number;
  readonly timer: BatchTimer;
  /** Current row of an actor; undefined when it is gone. */
  readonly rowOf: (actorId: string) => VizActorRow | undefined;
  readonly tree: () => VizTree;
  /** False while nobody listens: dirty marks are then dropped instead of serialised. */
  readonly hasListeners: () => boolean;
  readonly publish: (batch: VizBatch) => void;
}

export class UpdateBatcher {
  private readonly dirty = new Set<string>();
  private treeDirty = false;
  private lastTree = '';
  private handle: unknown = null;
  private seq = 0;
  private stopped = false;

  constructor(private readonly options: BatcherOptions) {}

  markActor(actorId: string): void {
    this.dirty.add(actorId);
    this.schedule();
  }

  markTree(): void {
    this.treeDirty = true;
    this.schedule();
  }

  /** Sends what is pending now (also used by the timer). */
  flush(): void {
    this.handle = null;
    if (!this.options.hasListeners()) {
      this.dirty.clear();
      this.treeDirty = false;
      return;
    }
    const actors: VizActorRow[] = [];
    for (const id of this.dirty) {
      const row = this.options.rowOf(id);
      if (row) actors.push(row);
    }
    this.dirty.clear();
    let tree: VizTree | undefined;
    if (this.treeDirty) {
      this.treeDirty = false;
      const next = this.options.tree();
      const text = JSON.stringify(next);
      // Supervisor snapshots change on every tick event; only real changes are worth a push.
      if (text !== this.lastTree) {
        this.lastTree = text;
        tree = next;
      }
    }
    if (actors.length === 0 && !tree) return;
    this.options.publish({ type: 'batch', seq: ++this.seq, actors, ...(tree ? { tree } : {}) });
  }

  stop(): void {
    this.stopped = true;
    if (this.handle !== null) this.options.timer.clear(this.handle);
    this.handle = null;
    this.dirty.clear();
  }

  private schedule(): void {
    if (this.handle !== null || this.stopped) return;
    this.handle = this.options.timer.set(() => this.flush(), this.options.intervalMs);
  }
}
