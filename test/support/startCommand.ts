import { readFileSync, rmSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { bundle } from '../../src/build/bundle.ts';
import { projectPath } from '../../src/projectRoot.ts';

/**
 * The command line of `npm start`: package.json's `start` must stay `node dist/main.mjs`
 * (the bundle that `prestart` builds); the bundle is built here with the same function, into
 * a file of this test worker's own, so parallel test files never read a half-written one.
 */
export function startCommand(): string[] {
  const scripts = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  if (scripts.start !== 'node dist/main.mjs' || scripts.prestart !== 'npm run -s build') throw new Error(`package.json start/prestart changed (${scripts.prestart} / ${scripts.start}): update test/support/startCommand.ts`);
  built ??= bundle('src/main.ts', `dist/test/main-${process.pid}-${threadId}.mjs`);
  return [built];
}

/** Deletes this worker's bundle (a test file's afterAll). */
export function removeStartBundle(): void {
  if (built === null) return;
  rmSync(built, { force: true });
  rmSync(`${built}.map`, { force: true });
  built = null;
}

let built: string | null = null;
