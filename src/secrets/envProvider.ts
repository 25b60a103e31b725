import { secretSpec, type SecretName } from './catalog.ts';
import type { SecretProvider } from './provider.ts';

/**
 * `secrets.provider: env`: the conventional environment variables (BYBIT_API_KEY,
 * BYBIT_API_SECRET, BYBOT_HTTP_CONTROL_TOKEN, ...). The configuration loader already reads
 * them into the configuration; this provider exists so every secret has one way in. A
 * process cannot see its environment change: rotation needs a restart or a handover.
 */
export function envProvider(env: Readonly<Record<string, string | undefined>>): SecretProvider {
  return {
    name: 'env',
    location: 'the process environment',
    canRotate: false,
    async read(names: readonly SecretName[]) {
      const out = new Map<SecretName, string>();
      for (const name of names) {
        const spec = secretSpec(name);
        const value = spec ? env[spec.env] : undefined;
        if (value !== undefined && value.trim() !== '') out.set(name, value);
      }
      return out;
    },
    close() {},
  };
}
