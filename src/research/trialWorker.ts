import { workerData } from 'node:worker_threads';
import { runTrial, type TrialOutcome, type TrialTask } from './trial.ts';
import { fromWire, type WireContext } from './wire.ts';

/** A worker thread of the trial pool (pool.ts): rebuilds the context once, then runs trials. */
const ctx = fromWire(workerData as WireContext);

export default function run(tasks: readonly TrialTask[]): TrialOutcome[] {
  return tasks.map((task) => runTrial(ctx, task));
}
