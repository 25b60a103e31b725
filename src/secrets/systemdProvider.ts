import { join, resolve } from 'node:path';
import { SecretUnavailableError } from '../domain/errors.ts';
import type { SecretName } from './catalog.ts';
import type { SecretProvider } from './provider.ts';
import { readSecretFile } from './secureFile.ts';

/**
 * `secrets.provider: systemd-credentials`: the credentials systemd passes with
 * `LoadCredential=<name>:<path>` (or `SetCredentialEncrypted=`/`LoadCredentialEncrypted=`)
 * in `$CREDENTIALS_DIRECTORY/<name>`. systemd owns that directory (a private, unswappable
 * mount only this service sees) and sets the files' modes, so no owner or mode rule is
 * applied here. A `systemctl reload` (SIGHUP) does not refresh the directory: systemd
 * copies credentials at start, so rotating under this provider means a handover to a
 * standby started after the credential file changed, or a restart.
 */
export function systemdCredentialsProvider(env: Readonly<Record<string, string | undefined>>): SecretProvider {
  const dir = env.CREDENTIALS_DIRECTORY;
  return {
    name: 'systemd-credentials',
    location: dir ? resolve(dir) : '$CREDENTIALS_DIRECTORY (unset)',
    canRotate: true,
    async read(names: readonly SecretName[]) {
      if (!dir) {
        throw new SecretUnavailableError(
          'secrets.provider systemd-credentials: $CREDENTIALS_DIRECTORY is not set; start the bot from a unit with LoadCredential= (deploy/systemd/bybot.service) or choose another provider',
        );
      }
      const out = new Map<SecretName, string>();
      for (const name of names) {
        const value = readSecretFile(join(dir, name), `credential ${name}`, { privateMode: false, ownedByUs: false });
        if (value !== undefined) out.set(name, value);
      }
      return out;
    },
    close() {},
  };
}
