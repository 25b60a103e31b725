import { spawn, type ChildProcess } from 'node:child_process';

/** A node child started by a test (under tsx), with its stdout and stderr collected together. */
export interface ChildRun {
  readonly child: ChildProcess;
  /** stdout and stderr as they arrived, interleaved. */
  out: string;
  /** When the process ended (its streams closed): code, signal and the wall time (ms) it was seen. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly at: number }>;
}

/** `node --import tsx ...args`; the child is pushed to `started` (for the test's afterAll to kill). */
export function startTsx(args: readonly string[], options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }, started?: ChildProcess[]): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  started?.push(child);
  const run: ChildRun = { child, out: '', exited: new Promise((done) => child.on('close', (code, signal) => done({ code, signal, at: Date.now() }))) };
  child.stdout!.on('data', (d: Buffer) => (run.out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (run.out += d.toString()));
  return run;
}

/** Waits until `test` holds for the output; throws with the output's tail when `timeoutMs` passes or the child ends first. */
export async function waitForOutput(run: ChildRun, test: (out: string) => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!test(run.out)) {
    if (Date.now() - started > timeoutMs || run.child.exitCode !== null) throw new Error(`condition not met in ${timeoutMs} ms; output:\n${run.out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
