import { rmSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { bundle } from '../../src/build/bundle.ts';
import { npmScript, parseNodeCommand } from '../../src/build/scriptFlags.ts';

/**
 * The command lines of the npm scripts that run a bundle: package.json's `start` must stay
 * `node [flags] dist/main.mjs` (built by `prestart`) and `backtest` `node [flags]
 * dist/backtest.mjs` (built by `prebacktest`); the bundle is built here with the same
 * function, into a file of this test worker's own, so parallel test files never read a
 * half-written one, and run with the script's node flags.
 */
const SCRIPTS = {
  main: { script: 'start', entry: 'src/main.ts' },
  backtest: { script: 'backtest', entry: 'src/backtest/cli.ts' },
} as const;
type Bundled = keyof typeof SCRIPTS;

const built = new Map<Bundled, string>();

function bundledCommand(name: Bundled): string[] {
  const { script, entry } = SCRIPTS[name];
  const run = npmScript(script);
  const pre = npmScript(`pre${script}`);
  const command = run.startsWith('node ') ? parseNodeCommand(run) : null;
  if (command?.file !== `dist/${name}.mjs` || pre !== `npm run -s build -- ${name}`) throw new Error(`package.json ${script}/pre${script} changed (${pre} / ${run}): update test/support/startCommand.ts`);
  let file = built.get(name);
  if (!file) {
    file = bundle(entry, `dist/test/${name}-${process.pid}-${threadId}.mjs`);
    built.set(name, file);
  }
  return [...command.flags, file];
}

/** `npm start` as node arguments. */
export function startCommand(): string[] {
  return bundledCommand('main');
}

/** `npm run backtest` as node arguments (append the CLI's own). */
export function backtestCommand(): string[] {
  return bundledCommand('backtest');
}

/** Deletes this worker's bundles (a test file's afterAll). */
export function removeStartBundle(): void {
  for (const file of built.values()) {
    rmSync(file, { force: true });
    rmSync(`${file}.map`, { force: true });
  }
  built.clear();
}
