import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataDirError } from '../domain/errors.ts';

/**
 * Creates a directory one level at a time, with a typed error naming the setting and the
 * failing path. Not `mkdirSync(..., { recursive: true })`: on a path such as
 * /proc/self/nope Node's recursive mkdir loops forever (the parent exists, the child can
 * never be made), a synchronous hang no deadline can interrupt.
 */
export function ensureDir(dir: string, setting = 'journal.dataDir'): string {
  const target = resolve(dir);
  const missing: string[] = [];
  let cursor = target;
  for (;;) {
    const stat = statOrNull(cursor, setting, dir);
    if (stat) {
      if (!stat.isDirectory()) throw new DataDirError(`${setting} ${dir}: ${cursor} is a file, not a directory`, { details: { setting, path: cursor } });
      break;
    }
    missing.push(cursor);
    const parent = dirname(cursor);
    if (parent === cursor) break;
    cursor = parent;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'EEXIST' && statOrNull(path, setting, dir)?.isDirectory()) continue;
      throw new DataDirError(`${setting} ${dir}: cannot create ${path} (${code})`, { cause: error, details: { setting, path, errno: code } });
    }
  }
  try {
    accessSync(target, constants.W_OK);
  } catch (error) {
    throw new DataDirError(`${setting} ${dir}: ${target} is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error, details: { setting, path: target } });
  }
  return target;
}

function statOrNull(path: string, setting: string, dir: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    // ENOTDIR: a component of the path is a regular file.
    throw new DataDirError(`${setting} ${dir}: cannot use ${path} (${code ?? 'error'}${code === 'ENOTDIR' ? ': a parent is a file, not a directory' : ''})`, { cause: error, details: { setting, path, errno: code } });
  }
}
