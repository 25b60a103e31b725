/**
 * The per-account order queue (backlog B4.1): actors hand their order work to it and one
 * worker runs it, one job at a time. Serial execution per account is what makes
 * "check the margin, then place" safe when nine actors share one wallet, and it keeps a
 * slow order on one symbol from blocking another actor's fetch (only order work queues).
 * Protective work (stops, flattening), rebalance reductions and cancels jump ahead of new entries.
 */
export type OrderJobPriority = 'protect' | 'reduce' | 'cancel' | 'entry';

/** A rebalance's reduction of an open position (portfolio.resizeOpen) runs after protective work, before cancels and entries. */
const RANK: Record<OrderJobPriority, number> = { protect: 0, reduce: 1, cancel: 2, entry: 3 };

interface Job {
  readonly priority: OrderJobPriority;
  readonly seq: number;
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
  private running: Job | null = null;
  private seq = 0;

  constructor(private readonly observer?: QueueObserver) {}

  /** Jobs waiting plus the one running. */
  depth(): number {
    return this.jobs.length + (this.running ? 1 : 0);
  }

  /** Label of the job running now, for /actors and logs. */
  current(): string | null {
    return this.running?.label ?? null;
  }

  enqueue<T>(priority: OrderJobPriority, label: string, run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job: Job = { priority, seq: ++this.seq, label, run, resolve: resolve as (v: unknown) => void, reject };
      // Stable insert: by priority, then arrival.
      let i = this.jobs.length;
      while (i > 0 && RANK[this.jobs[i - 1]!.priority] > RANK[priority]) i--;
      this.jobs.splice(i, 0, job);
      this.observer?.depthChanged(this.depth());
      this.pump();
    });
  }

  private pump(): void {
    if (this.running) return;
    const job = this.jobs.shift();
    if (!job) return;
    this.running = job;
    job
      .run()
      .then(job.resolve, job.reject)
      .finally(() => {
        this.running = null;
        this.observer?.depthChanged(this.depth());
        this.pump();
      });
  }
}
