import { readFileSync } from 'node:fs';
import { projectPath } from '../projectRoot.ts';

/**
 * The node flags an npm script gives its bundle (`node --flag=1 dist/x.mjs` gives
 * ['--flag=1']), so that a benchmark or a test of that bundle runs it the way the user's
 * command does. A script that is not a plain `node ... file.mjs` command is an error, not a
 * silent default: whatever ran it would run something else than the user runs.
 */
export function nodeFlagsOf(script: string): string[] {
  return parseNodeCommand(script).flags;
}

/** A plain `node [--flags] file` command line split into its flags and its file. */
export function parseNodeCommand(script: string): { readonly flags: string[]; readonly file: string } {
  const words = script.trim().split(/\s+/);
  if (words[0] !== 'node' || words.length < 2) throw new Error(`not a plain node command: ${script}`);
  const flags = words.slice(1, -1);
  const bad = flags.find((f) => !f.startsWith('--'));
  if (bad !== undefined) throw new Error(`not a plain node command (${bad}): ${script}`);
  return { flags, file: words[words.length - 1]! };
}

/** package.json's npm script `name`. */
export function npmScript(name: string, packageJson = projectPath('package.json')): string {
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts?: Record<string, string> };
  const script = pkg.scripts?.[name];
  if (script === undefined) throw new Error(`package.json has no script "${name}"`);
  return script;
}

/** The node flags of the package's npm script `name`. */
export function nodeFlagsOfScript(name: string, packageJson?: string): string[] {
  return nodeFlagsOf(npmScript(name, packageJson));
}
