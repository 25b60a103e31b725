import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { SecretInsecureError, SecretUnavailableError } from '../domain/errors.ts';

/** Longest secret file read (a PEM RSA key fits many times over). */
const MAX_BYTES = 64 * 1024;

export interface SecretFileRules {
  /** Refuse a file whose mode lets the group or others read or write it (mode & 0o077). */
  readonly privateMode: boolean;
  /** Refuse a file owned by another user than the bot's. */
  readonly ownedByUs: boolean;
  /** The bot's user id for `ownedByUs` (default: this process's). */
  readonly uid?: number;
}

/**
 * Reads one secret file: a regular file (no FIFO, device or directory), checked on the open
 * descriptor (no race between the check and the read), at most 64 KB, trailing newlines
 * removed. Returns undefined when the file does not exist. The messages name the file and
 * the rule, never the content.
 */
export function readSecretFile(path: string, what: string, rules: SecretFileRules): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new SecretInsecureError(`${what}: ${path} is a symbolic link; point the provider at the file itself`, { details: { path } });
    throw new SecretUnavailableError(`${what}: cannot open ${path} (${code ?? 'error'})`, { details: { path, errno: code } });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new SecretInsecureError(`${what}: ${path} is not a regular file`, { details: { path } });
    if (rules.privateMode && (stat.mode & 0o077) !== 0) {
      throw new SecretInsecureError(`${what}: ${path} can be read or written by other users (mode ${(stat.mode & 0o777).toString(8)}); run: chmod 600 ${path}`, {
        details: { path, mode: (stat.mode & 0o777).toString(8) },
      });
    }
    const uid = rules.uid ?? process.getuid?.();
    if (rules.ownedByUs && uid !== undefined && stat.uid !== uid) {
      throw new SecretInsecureError(`${what}: ${path} belongs to user id ${stat.uid}, not to the bot's user (${uid}); chown it to the bot's user`, {
        details: { path, owner: stat.uid, uid },
      });
    }
    if (stat.size > MAX_BYTES) throw new SecretUnavailableError(`${what}: ${path} is larger than ${MAX_BYTES} bytes; not a secret file`, { details: { path } });
    const buffer = Buffer.alloc(Math.max(1, stat.size));
    const read = stat.size === 0 ? 0 : readSync(fd, buffer, 0, stat.size, 0);
    const text = buffer.subarray(0, read).toString('utf8').replace(/[\r\n]+$/, '');
    if (text.trim() === '') throw new SecretUnavailableError(`${what}: ${path} is empty`, { details: { path } });
    return text;
  } finally {
    closeSync(fd);
  }
}
