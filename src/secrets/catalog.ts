/**
 * Every secret the bot uses, under one name per secret. The name is the file name in
 * `secrets.file.dir`, the credential name under systemd's `$CREDENTIALS_DIRECTORY`
 * (`LoadCredential=<name>:...`) and the field of the Vault KV v2 secret. `configPath` is the
 * configuration key the value ends up in (and where a plain-text value would be written);
 * `env` is the conventional environment variable of the env provider.
 *
 * To add a secret: add one entry here; the providers, the plain-text refusal of live mode
 * and the redaction of the value follow.
 */
export interface SecretSpec {
  readonly name: string;
  readonly configPath: readonly string[];
  readonly env: string;
  /** Read again on SIGHUP, on the rotation schedule and when a Vault lease says so (swapped without a restart). */
  readonly rotates: boolean;
  /** Required in live mode (the exchange key and secret). */
  readonly requiredLive: boolean;
  readonly description: string;
}

export const SECRET_CATALOG: readonly SecretSpec[] = [
  { name: 'bybit-api-key', configPath: ['exchange', 'apiKey'], env: 'BYBIT_API_KEY', rotates: true, requiredLive: true, description: 'Bybit API key' },
  { name: 'bybit-api-secret', configPath: ['exchange', 'apiSecret'], env: 'BYBIT_API_SECRET', rotates: true, requiredLive: true, description: 'Bybit API secret' },
  { name: 'http-control-token', configPath: ['http', 'controlToken'], env: 'BYBOT_HTTP_CONTROL_TOKEN', rotates: false, requiredLive: false, description: 'bearer token of the control endpoints' },
  { name: 'http-read-token', configPath: ['http', 'readToken'], env: 'BYBOT_HTTP_READ_TOKEN', rotates: false, requiredLive: false, description: 'bearer token of the read endpoints' },
  { name: 'telegram-bot-token', configPath: ['telegram', 'botToken'], env: 'TELEGRAM_BOT_TOKEN', rotates: false, requiredLive: false, description: 'token of the Telegram admin bot' },
  { name: 'alerts-webhook-secret', configPath: ['alerts', 'webhook', 'secret'], env: 'BYBOT_ALERTS_WEBHOOK_SECRET', rotates: false, requiredLive: false, description: 'HMAC key of the alert webhook' },
];

export type SecretName = string;

export const EXCHANGE_KEY_NAMES = ['bybit-api-key', 'bybit-api-secret'] as const;

export function secretSpec(name: SecretName): SecretSpec | undefined {
  return SECRET_CATALOG.find((s) => s.name === name);
}

export function configValueAt(config: unknown, path: readonly string[]): unknown {
  let node: unknown = config;
  for (const key of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

/** A copy of `target` with `value` at `path` (the objects on the path copied, the rest shared). */
export function withValueAt(target: unknown, path: readonly string[], value: string): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const object = (target !== null && typeof target === 'object' ? target : {}) as Record<string, unknown>;
  return { ...object, [head]: withValueAt(object[head], rest, value) };
}

/** Secrets written (non-empty) in a parsed configuration file: their config paths. */
export function plaintextSecretPaths(fileLayer: unknown): string[] {
  return SECRET_CATALOG.filter((s) => {
    const value = configValueAt(fileLayer, s.configPath);
    return typeof value === 'string' && value.trim() !== '';
  }).map((s) => s.configPath.join('.'));
}
