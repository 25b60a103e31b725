import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Child processes of the crash test and the soak: the simulator server and the bot, each
 * run as `node --import tsx <script>` (never through the tsx CLI: it forks a second process,
 * so a SIGKILL on the wrapper would leave the real bot running, and it SIGKILLs a child
 * that is slow to acknowledge a relayed signal).
 */
export interface ChildRun {
  readonly child: ChildProcess;
  /** stdout and stderr, interleaved as received. */
  out: string;
  /** Resolves with the exit code once stdout and stderr are read to the end. */
  readonly exited: Promise<number | null>;
  /** Set by whoever kills the process on purpose, so its exit is not counted as a crash. */
  expectedExit: boolean;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Extra modules loaded before the script (`--import`), e.g. the soak's DNS shim. */
  readonly preload?: readonly string[];
  /** Keep at most this many characters of output (a 24-hour soak prints a lot). */
  readonly keepChars?: number;
}

export function runTs(script: string, args: readonly string[], options: RunOptions): ChildRun {
  const imports = ['--import', 'tsx', ...(options.preload ?? []).flatMap((m) => ['--import', m])];
  const child = spawn(process.execPath, [...imports, script, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = options.keepChars ?? Number.POSITIVE_INFINITY;
  const run: ChildRun = { child, out: '', exited: new Promise((done) => child.on('close', (code) => done(code))), expectedExit: false };
  const append = (d: Buffer): void => {
    run.out += d.toString();
    if (run.out.length > keep) run.out = run.out.slice(run.out.length - keep);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  return run;
}

/** The environment without any bybot or Bybit setting of the caller's shell. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BYBOT_') && !k.startsWith('BYBIT_') && !k.startsWith('SOAK_') && k !== 'DRY_RUN'));
  return { ...env, ...extra };
}

/** Polls the output until `test` holds (true), the time is up or the process exited (then: the last test). */
export function waitForOutput(run: ChildRun, test: (out: string) => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((done) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (test(run.out)) {
        clearInterval(timer);
        done(true);
      } else if (Date.now() - started > timeoutMs || run.child.exitCode !== null) {
        clearInterval(timer);
        done(test(run.out));
      }
    }, 10);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface SimServerInfo {
  readonly url: string;
  readonly wsUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
}

/** The one JSON line `npm run exchange-sim` prints on stdout. */
export function simServerInfo(out: string): SimServerInfo | undefined {
  const line = out.split('\n').find((l) => l.startsWith('{"url"') && l.includes('"wsUrl"'));
  return line ? (JSON.parse(line) as SimServerInfo) : undefined;
}

/** The bot's HTTP base URL from its start-up line. */
export function botUrl(out: string): string | undefined {
  return /"health":"(http:\/\/127\.0\.0\.1:\d+)\/health"/.exec(out)?.[1];
}
