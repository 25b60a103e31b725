import type { SecretsConfig } from '../../config/secretsSchema.ts';
import type { Logger } from '../observability/logger.ts';
import { envProvider } from './envProvider.ts';
import { fileProvider } from './fileProvider.ts';
import type { SecretProvider } from './provider.ts';
import { systemdCredentialsProvider } from './systemdProvider.ts';
import { VaultProvider } from './vault/vaultProvider.ts';

/** The provider `secrets.provider` names. */
export function createSecretProvider(secrets: SecretsConfig, env: Readonly<Record<string, string | undefined>>, logger: Logger): SecretProvider {
  switch (secrets.provider) {
    case 'env':
      return envProvider(env);
    case 'file':
      return fileProvider(secrets.file.dir);
    case 'systemd-credentials':
      return systemdCredentialsProvider(env);
    case 'vault':
      return new VaultProvider({ settings: secrets.vault, env, logger: logger.child({ component: 'vault' }) });
  }
}
