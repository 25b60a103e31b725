import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BybotError, ERROR_CODES } from '../domain/errors.ts';

/** A result file (`--json`, `--report`) could not be written: names the option and the path, never a stack. */
export class OutputFileError extends BybotError {
  constructor(what: string, path: string, cause: unknown) {
    const reason = (cause as NodeJS.ErrnoException | undefined)?.code ?? (cause instanceof Error ? cause.message : String(cause));
    super(ERROR_CODES.OUTPUT_FAILED, `${what}: cannot write ${path} (${reason})`, 'system', false, { cause, details: { path } });
  }
}

/**
 * Writes `text` to `file` (directories created as needed) through a temporary file renamed
 * into place, so a reader never sees half a file and a failed write leaves nothing behind.
 */
export function writeFileAtomic(file: string, text: string, what: string): { path: string; bytes: number } {
  const path = resolve(file);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (error) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Nothing was created where the path cannot exist (ENOTDIR).
    }
    throw new OutputFileError(what, path, error);
  }
  return { path, bytes: Buffer.byteLength(text) };
}
