import type { LoadResult } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { BybotError, ERROR_CODES } from '../domain/errors.ts';
import { freshAccountPerRun } from '../journal/openJournal.ts';
import type { Logger } from '../observability/logger.ts';
import { startupStep } from '../runtime/startupStep.ts';
import { SECRET_CATALOG, configValueAt, withValueAt } from '../secrets/catalog.ts';
import { createSecretProvider } from '../secrets/createProvider.ts';
import type { SecretProvider } from '../secrets/provider.ts';
import { resolveSecrets, type ResolvedSecrets } from '../secrets/resolve.ts';

/**
 * The start-up step `secrets`, before anything else uses the configuration: the provider of
 * `secrets.provider` fills in the exchange key and secret, the HTTP tokens, the Telegram
 * token and the webhook key, and the checks that need their values run on the result. A
 * `--standby` start is refused here when it could never take over (the built-in simulator
 * trades a new account every run).
 */
export interface StartupSecrets {
  /** The configuration with the secrets in place (frozen). */
  readonly config: AppConfig;
  readonly secrets: ResolvedSecrets;
  readonly provider: SecretProvider;
}

export interface StartupSecretsOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly standby: boolean;
  /** An exchange injected by a test (no account per run). */
  readonly exchangeInjected: boolean;
}

export async function resolveStartupSecrets(o: StartupSecretsOptions): Promise<StartupSecrets> {
  const provider = createSecretProvider(o.config.secrets, o.env, o.logger);
  try {
    const secrets = await startupStep('secrets', o.config.startup.deadlineMs, () => resolveSecrets(o.config, provider));
    o.logger.info({ event: 'secrets', provider: provider.name, location: provider.location, sources: secrets.sources }, `secrets from ${provider.name} (${provider.location})`);
    if (o.standby && !o.exchangeInjected && freshAccountPerRun(secrets.config)) {
      throw new BybotError(ERROR_CODES.STANDBY_FAILED, '--standby needs an exchange account shared with the active instance (live mode, or exchange.venue local); the built-in simulator trades a new account every run', 'system', false);
    }
    return { config: secrets.config, secrets, provider };
  } catch (error) {
    provider.close();
    throw error;
  }
}

/**
 * The configuration reload (SIGHUP, POST /config/reload) re-reads the file and the
 * environment, where a provider's secrets are not: the reloaded configuration gets the
 * secret values in force, so a reload never sees them as changed (secrets change through
 * the rotation, or a restart or handover).
 */
export function reloadKeepingSecrets(reload: () => LoadResult, inForce: () => AppConfig): () => LoadResult {
  return () => {
    const loaded = reload();
    if (!loaded.ok) return loaded;
    let config: unknown = structuredClone(loaded.config);
    for (const spec of SECRET_CATALOG) {
      const value = configValueAt(inForce(), spec.configPath);
      if (typeof value === 'string') config = withValueAt(config, spec.configPath, value);
    }
    return { ...loaded, config: config as AppConfig };
  };
}

