import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { runTrial, type TrialContext, type TrialOutcome, type TrialTask } from './trial.ts';
import { toWire } from './wire.ts';

/**
 * Runs trials inline (one worker) or on a pool of worker threads (piscina). Results come
 * back in task order whatever the pool did, so a search sees the same outcomes, and so
 * makes the same choices, with 1 or N workers.
 */
export interface TrialRunner {
  readonly workers: number;
  run(tasks: readonly TrialTask[]): Promise<TrialOutcome[]>;
  close(): Promise<void>;
}

/** Trials per message to a worker: amortises the hand-over without starving a worker at a batch's end. */
const CHUNK = 4;

export function inlineRunner(ctx: TrialContext): TrialRunner {
  return {
    workers: 1,
    run: async (tasks) => tasks.map((task) => runTrial(ctx, task)),
    close: async () => undefined,
  };
}

/** Worker threads need TypeScript loaded; under `tsx` they inherit its loader, elsewhere (tests) we add it. */
function workerExecArgv(): string[] {
  const inherited = process.execArgv;
  return inherited.some((a) => a.includes('tsx')) ? inherited : [...inherited.filter((a) => !a.startsWith('--inspect')), '--import', 'tsx'];
}

export function poolRunner(ctx: TrialContext, workers: number): TrialRunner {
  const threads = Math.max(1, Math.min(workers, availableParallelism() * 4));
  const pool = new Piscina({
    filename: new URL('./trialWorker.ts', import.meta.url).href,
    workerData: toWire(ctx),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    execArgv: workerExecArgv(),
  });
  return {
    workers: threads,
    async run(tasks) {
      const chunks: TrialTask[][] = [];
      for (let i = 0; i < tasks.length; i += CHUNK) chunks.push(tasks.slice(i, i + CHUNK));
      const results = await Promise.all(chunks.map((chunk) => pool.run(chunk) as Promise<TrialOutcome[]>));
      return results.flat();
    },
    close: () => pool.destroy(),
  };
}

export function createRunner(ctx: TrialContext, workers: number): TrialRunner {
  return workers <= 1 || ctx.resolve ? inlineRunner(ctx) : poolRunner(ctx, workers);
}
