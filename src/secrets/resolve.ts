import { secretIssues, type AppConfig } from '../../config/schema.ts';
import { ConfigError } from '../domain/errors.ts';
import { SECRET_CATALOG, configValueAt, withValueAt, type SecretName } from './catalog.ts';
import type { SecretProvider } from './provider.ts';
import { SecretStore } from './store.ts';

/**
 * Start-up step `secrets`: reads every catalogued secret from the provider and puts it
 * where the configuration expects it (exchange.apiKey, http.controlToken, ...). A secret
 * the provider does not hold keeps the configuration's value (environment, or the file
 * when plain text is allowed); one set in both places is refused as ambiguous. The checks
 * that need the values (live credentials present and not placeholders, tokens off
 * loopback) run on the result: a ConfigError naming the keys, never the values.
 */
export interface ResolvedSecrets {
  readonly config: AppConfig;
  readonly store: SecretStore;
  /** Where each secret in use came from: the provider's name or "configuration". */
  readonly sources: Readonly<Record<SecretName, string>>;
}

export async function resolveSecrets(config: AppConfig, provider: SecretProvider, signal?: AbortSignal): Promise<ResolvedSecrets> {
  const names = SECRET_CATALOG.map((s) => s.name);
  const fromProvider = provider.name === 'env' ? new Map<SecretName, string>() : await provider.read(names, signal);
  const problems: string[] = [];
  const values = new Map<SecretName, string>();
  const sources: Record<SecretName, string> = {};
  let filled: unknown = structuredClone(config);
  for (const spec of SECRET_CATALOG) {
    const inConfig = configValueAt(config, spec.configPath);
    const configured = typeof inConfig === 'string' && inConfig !== '' ? inConfig : undefined;
    const provided = fromProvider.get(spec.name);
    if (provided !== undefined && configured !== undefined) {
      problems.push(`${spec.configPath.join('.')}: set both in the configuration (file or ${spec.env}) and by secrets.provider ${provider.name} (${spec.name}); remove one`);
      continue;
    }
    const value = provided ?? configured;
    if (value === undefined) continue;
    values.set(spec.name, value);
    sources[spec.name] = provided !== undefined ? provider.name : 'configuration';
    filled = withValueAt(filled, spec.configPath, value);
  }
  const result = filled as AppConfig;
  if (provider.name !== 'env') {
    for (const issue of secretIssues(result)) problems.push(`${issue.path.join('.')}: ${issue.message}${issue.message.includes('required') ? ` (or ${secretNameFor(issue.path)} in secrets.provider ${provider.name})` : ''}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { config: deepFreeze(result), store: new SecretStore(values), sources };
}

function secretNameFor(path: readonly (string | number)[]): string {
  return SECRET_CATALOG.find((s) => s.configPath.join('.') === path.join('.'))?.name ?? 'the secret';
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
