import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The node flags an npm script gives its bundle (`node --flag=1 dist/x.mjs` gives
 * ['--flag=1']), so that a benchmark of that bundle runs the way the user's command does.
 * A script that is not a plain `node ... file.mjs` command has none, and the benchmark
 * would measure something else than the user runs: that is an error, not a silent default.
 */
export function nodeFlagsOf(script: string): string[] {
  const words = script.trim().split(/\s+/);
  if (words[0] !== 'node' || words.length < 2) throw new Error(`not a plain node command: ${script}`);
  const flags = words.slice(1, -1);
  const bad = flags.find((f) => !f.startsWith('--'));
  if (bad !== undefined) throw new Error(`not a plain node command (${bad}): ${script}`);
  return flags;
}

/** The node flags of the package's npm script `name`. */
export function nodeFlagsOfScript(name: string, root = join(import.meta.dirname, '..', '..')): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const script = pkg.scripts?.[name];
  if (script === undefined) throw new Error(`package.json has no script "${name}"`);
  return nodeFlagsOf(script);
}
