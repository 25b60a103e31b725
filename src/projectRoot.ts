import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's root: the nearest directory above this module whose package.json is
 * bybot's. Files that ship next to the code (the visualiser's and the dashboard's pages)
 * are found from it, so they load the same from `src/` under tsx and from the bundle in
 * `dist/` that `npm start` runs, where every module shares one `import.meta.url`.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'bybot') return dir;
    if (dirname(dir) === dir) throw new Error(`no bybot package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findRoot(import.meta.dirname);

/** A path inside the repository, with a trailing separator kept when given. */
export function projectPath(...segments: string[]): string {
  return join(PROJECT_ROOT, ...segments);
}
