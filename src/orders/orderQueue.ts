/**
 * The per-account order queue (backlog B4.1): actors hand their order work to it and its
 * workers run it. Every job belongs to a lane: a symbol, or the whole account.
 *
 * - Jobs of one symbol run one at a time, in priority order then arrival: "check the
 *   position, then place" stays safe when several actors trade the same symbol, and a
 *   symbol's stop is never raced by its next entry.
 * - Jobs of different symbols may be in flight together, up to `maxConcurrent` (the
 *   exchange adapter's rate limiter paces what goes out). With `maxConcurrent` 1 the queue
 *   is fully serial, as backtests need (the fast engine's ordering rule).
 * - An account-wide job (a sweep of stale orders) runs alone: it starts once every
 *   running job has finished, and nothing queued behind it overtakes it.
 * - Protective work (stops, flattening), rebalance reductions and cancels are started
 *   before new entries whenever their lane is free.
 */
export type OrderJobPriority = 'protect' | 'reduce' | 'cancel' | 'entry';

/** The lane of account-wide jobs. */
export const ACCOUNT_LANE = '*';

/** A rebalance's reduction of an open position (portfolio.resizeOpen) runs after protective work, before cancels and entries. */
const RANK: Record<OrderJobPriority, number> = { protect: 0, reduce: 1, cancel: 2, entry: 3 };

interface Job {
  readonly priority: OrderJobPriority;
  readonly lane: string;
  readonly label: string;
  readonly run: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export interface QueueObserver {
  depthChanged(depth: number): void;
}

export class OrderQueue {
  private readonly jobs: Job[] = [];
  private readonly running = new Map<string, Job>();
  private readonly maxConcurrent: number;

  constructor(
    private readonly observer?: QueueObserver,
    maxConcurrent = 1,
  ) {
    this.maxConcurrent = Math.max(1, Math.floor(maxConcurrent));
  }

  /** Jobs waiting plus the ones running. */
  depth(): number {
    return this.jobs.length + this.running.size;
  }

  /** Labels of the jobs running now (comma-separated), for /actors and logs. */
  current(): string | null {
    if (this.running.size === 0) return null;
    return [...this.running.values()].map((j) => j.label).join(', ');
  }

  /** `lane`: the symbol the job works on; omitted = the whole account (runs alone). */
  enqueue<T>(priority: OrderJobPriority, label: string, run: () => Promise<T>, lane: string = ACCOUNT_LANE): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job: Job = { priority, lane, label, run, resolve: resolve as (v: unknown) => void, reject };
      // Stable insert: by priority, then arrival.
      let i = this.jobs.length;
      while (i > 0 && RANK[this.jobs[i - 1]!.priority] > RANK[priority]) i--;
      this.jobs.splice(i, 0, job);
      this.observer?.depthChanged(this.depth());
      this.pump();
    });
  }

  private pump(): void {
    for (let i = 0; i < this.jobs.length && this.running.size < this.maxConcurrent; ) {
      if (this.running.has(ACCOUNT_LANE)) return;
      const job = this.jobs[i]!;
      if (job.lane === ACCOUNT_LANE) {
        // A barrier: it waits for the running jobs, and what queued behind it waits for it.
        if (this.running.size > 0) return;
      } else if (this.running.has(job.lane)) {
        i++;
        continue;
      }
      this.jobs.splice(i, 1);
      this.start(job);
    }
  }

  private start(job: Job): void {
    this.running.set(job.lane, job);
    let outcome: Promise<unknown>;
    try {
      outcome = job.run();
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(job.resolve, job.reject).finally(() => {
      this.running.delete(job.lane);
      this.observer?.depthChanged(this.depth());
      this.pump();
    });
  }
}
