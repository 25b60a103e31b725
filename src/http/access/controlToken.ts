import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BybotError, ERROR_CODES } from '../../domain/errors.ts';
import { ensureDir } from '../../journal/dataDir.ts';

/**
 * The control token: the configured `http.controlToken` (from a secret), or one generated
 * at first start into a file only the bot's user can read (mode 0600) and reused on later
 * starts. Only the file's path is ever logged, never the token.
 */
export interface ControlToken {
  readonly token: string;
  /** 'config' or the file it was read from / written to. */
  readonly source: 'config' | 'generated' | 'file';
  readonly path: string | null;
}

export function tokenFilePath(configured: string, dataDir: string): string {
  return resolve(configured !== '' ? configured : join(dataDir, 'control.token'));
}

export function resolveControlToken(configured: { readonly controlToken: string; readonly controlTokenFile: string }, dataDir: string): ControlToken {
  if (configured.controlToken !== '') return { token: configured.controlToken, source: 'config', path: null };
  const path = tokenFilePath(configured.controlTokenFile, dataDir);
  let stat: ReturnType<typeof statSync> | undefined;
  try {
    stat = statSync(path);
  } catch {
    stat = undefined;
  }
  if (stat) {
    if ((stat.mode & 0o077) !== 0) {
      throw new BybotError(
        ERROR_CODES.CONFIG_INVALID,
        `control token file ${path} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}); run: chmod 600 ${path}`,
        'system',
        false,
        { details: { path } },
      );
    }
    const token = readFileSync(path, 'utf8').trim();
    if (!/^[\x21-\x7e]{24,512}$/.test(token)) {
      throw new BybotError(ERROR_CODES.CONFIG_INVALID, `control token file ${path} does not hold a token of at least 24 printable characters; delete it to have a new one generated`, 'system', false, { details: { path } });
    }
    return { token, source: 'file', path };
  }
  ensureDir(dirname(path), 'http.controlTokenFile');
  const token = randomBytes(32).toString('base64url');
  // 'wx': never overwrite a token another process just wrote; mode 0600 from the first byte.
  writeFileSync(path, `${token}\n`, { flag: 'wx', mode: 0o600 });
  return { token, source: 'generated', path };
}
