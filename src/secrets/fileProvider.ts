import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SecretInsecureError, SecretUnavailableError } from '../domain/errors.ts';
import type { SecretName } from './catalog.ts';
import type { SecretProvider } from './provider.ts';
import { readSecretFile } from './secureFile.ts';

/**
 * `secrets.provider: file`: one file per secret in `secrets.file.dir`, named after the
 * secret (`bybit-api-key`, `bybit-api-secret`, ...). A file readable or writable by the
 * group or others, or owned by another user, is refused, and so is a directory others can
 * write into (they could swap a file). Files are read again at every rotation.
 */
export function fileProvider(dir: string, options: { readonly uid?: number } = {}): SecretProvider {
  const root = resolve(dir);
  return {
    name: 'file',
    location: root,
    canRotate: true,
    async read(names: readonly SecretName[]) {
      let stat;
      try {
        stat = statSync(root);
      } catch (error) {
        throw new SecretUnavailableError(`secrets.file.dir ${root} cannot be used (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { details: { path: root } });
      }
      if (!stat.isDirectory()) throw new SecretUnavailableError(`secrets.file.dir ${root} is not a directory`, { details: { path: root } });
      if ((stat.mode & 0o022) !== 0) {
        throw new SecretInsecureError(`secrets.file.dir ${root} can be written by other users (mode ${(stat.mode & 0o777).toString(8)}); run: chmod 700 ${root}`, { details: { path: root } });
      }
      const out = new Map<SecretName, string>();
      for (const name of names) {
        const value = readSecretFile(join(root, name), `secret ${name}`, { privateMode: true, ownedByUs: true, ...(options.uid !== undefined ? { uid: options.uid } : {}) });
        if (value !== undefined) out.set(name, value);
      }
      return out;
    },
    close() {},
  };
}
