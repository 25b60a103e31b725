import { z } from 'zod';
import { cockpitSecretIssues } from './cockpitSchema.ts';
import { isLoopbackHost } from './hosts.ts';
import { credentialProblem, describeCredentialProblem } from './placeholders.ts';

/**
 * `secrets`: where the exchange key and secret, the HTTP tokens, the Telegram token and the
 * webhook key come from, and how the exchange key is rotated (src/secrets). The key's
 * expiry alerts are the alert engine's (alerts.thresholds.apiKeyExpiryDays). Part of the
 * one configuration schema (config/schema.ts).
 */
const positiveMs = z.number().int().positive();

export const SecretsSchema = z
  .strictObject({
    /** env: BYBIT_API_KEY / BYBIT_API_SECRET / BYBOT_HTTP_*_TOKEN; file: one file per secret; systemd-credentials: $CREDENTIALS_DIRECTORY; vault: HashiCorp Vault KV v2. */
    provider: z.enum(['env', 'file', 'systemd-credentials', 'vault']).default('env'),
    /** Live mode refuses a key, secret or token written in the configuration file unless this is true. */
    allowPlaintext: z.boolean().default(false),
    file: z
      .strictObject({
        /** Directory with one file per secret (bybit-api-key, bybit-api-secret, http-control-token, http-read-token), owned by the bot's user, mode 0600. */
        dir: z.string().default(''),
      })
      .prefault({}),
    vault: z
      .strictObject({
        /** https://vault.example:8200 */
        address: z.string().default(''),
        /** Vault Enterprise namespace (X-Vault-Namespace); empty = none. */
        namespace: z.string().default(''),
        /** KV version 2 mount. */
        mount: z.string().regex(/^[A-Za-z0-9._/-]+$/, 'must be a Vault mount path').default('secret'),
        /** Secret path inside the mount; its fields are named like the secrets (bybit-api-key, ...). */
        path: z.string().regex(/^[A-Za-z0-9._/-]*$/, 'must be a Vault secret path').default('bybot'),
        auth: z.enum(['token', 'approle']).default('approle'),
        /** token auth: file holding the token (else VAULT_TOKEN). May start with ${CREDENTIALS_DIRECTORY}/. */
        tokenFile: z.string().default(''),
        /** approle auth: the role_id (not a secret). */
        roleId: z.string().default(''),
        /** approle auth: file holding the secret_id (else VAULT_SECRET_ID). May start with ${CREDENTIALS_DIRECTORY}/. */
        secretIdFile: z.string().default(''),
        /** Mount of the AppRole auth method. */
        approleMount: z.string().regex(/^[A-Za-z0-9._/-]+$/, 'must be a Vault mount path').default('approle'),
        /** PEM file of the CA that signed Vault's TLS certificate; empty = the system's CAs. */
        caFile: z.string().default(''),
        requestTimeoutMs: positiveMs.max(60_000).default(5_000),
        /** Renew the Vault token when this fraction of its TTL is left. */
        renewAtFraction: z.number().min(0.1).max(0.9).default(0.5),
      })
      .prefault({}),
    rotation: z
      .strictObject({
        /** Read the exchange key and secret again this often and swap them in when they changed (real ms; 0 = only on SIGHUP and Vault lease events). */
        checkIntervalMs: z.number().int().nonnegative().default(3_600_000),
        /** Deadline of the new key's check and of the private websocket's re-authentication (real ms). */
        checkTimeoutMs: positiveMs.max(120_000).default(15_000),
      })
      .prefault({}),
  })
  .prefault({});

export type SecretsConfig = z.infer<typeof SecretsSchema>;

export function checkSecretsConfig(secrets: SecretsConfig, addIssue: (path: (string | number)[], message: string) => void): void {
  if (secrets.provider === 'file' && secrets.file.dir.trim() === '') addIssue(['secrets', 'file', 'dir'], 'required with secrets.provider file (a directory, mode 0700, with one file per secret)');
  if (secrets.provider === 'vault') {
    if (secrets.vault.address === '') addIssue(['secrets', 'vault', 'address'], 'required with secrets.provider vault (e.g. https://vault.example:8200)');
    else if (!/^https?:\/\/[^\s/]+/.test(secrets.vault.address)) addIssue(['secrets', 'vault', 'address'], 'must be an http(s) URL such as https://vault.example:8200');
    if (secrets.vault.auth === 'approle' && secrets.vault.roleId === '') addIssue(['secrets', 'vault', 'roleId'], 'required with secrets.vault.auth approle');
  }
}

interface ConfigForSecrets {
  readonly mode: 'dry-run' | 'live';
  readonly exchange: { readonly venue: string; readonly apiKey: string; readonly apiSecret: string };
  readonly http: { readonly host: string; readonly controlToken: string; readonly readToken: string };
  readonly alerts: { readonly webhook: { readonly url: string; readonly secret: string } };
  readonly telegram: { readonly enabled: boolean; readonly botToken: string };
}

/**
 * The checks that depend on secret values: tokens required off loopback, the read token
 * differing from the control token, and live credentials (present, not placeholders, the
 * right shape). Paths and messages only, never values.
 */
export function secretIssues(config: ConfigForSecrets): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const ctx = { addIssue: (issue: { code: 'custom'; path: (string | number)[]; message: string }) => issues.push({ path: issue.path, message: issue.message }) };
  if (config.exchange.venue === 'local' && config.mode === 'dry-run' && (!config.exchange.apiKey || !config.exchange.apiSecret)) {
    ctx.addIssue({ code: 'custom', path: ['exchange', 'apiKey'], message: 'venue "local" needs the API key and secret of an account on that simulator (BYBIT_API_KEY / BYBIT_API_SECRET)' });
  }
  cockpitSecretIssues(config, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
  if (!isLoopbackHost(config.http.host)) {
    const where = `http.host ${config.http.host} is not a loopback address`;
    if (config.http.controlToken === '') ctx.addIssue({ code: 'custom', path: ['http', 'controlToken'], message: `required: ${where}; set BYBOT_HTTP_CONTROL_TOKEN from a secret (value not shown)` });
    if (config.http.readToken === '') ctx.addIssue({ code: 'custom', path: ['http', 'readToken'], message: `required: ${where} and /actors, /status, /metrics show account data; set BYBOT_HTTP_READ_TOKEN (value not shown)` });
  }
  if (config.http.readToken !== '' && config.http.readToken === config.http.controlToken) {
    ctx.addIssue({ code: 'custom', path: ['http', 'readToken'], message: 'must differ from http.controlToken (a read-only token must not control the bot)' });
  }
  if (config.mode === 'live') {
    // A local simulator server issues its own keys: only Bybit's own venues get the format check.
    const relevant = (problem: ReturnType<typeof credentialProblem>) => (problem === 'malformed' && config.exchange.venue === 'local' ? null : problem);
    const keyProblem = relevant(credentialProblem(config.exchange.apiKey, 'key'));
    if (keyProblem) ctx.addIssue({ code: 'custom', path: ['exchange', 'apiKey'], message: describeCredentialProblem(keyProblem, 'BYBIT_API_KEY') });
    const secretProblem = relevant(credentialProblem(config.exchange.apiSecret, 'secret'));
    if (secretProblem) ctx.addIssue({ code: 'custom', path: ['exchange', 'apiSecret'], message: describeCredentialProblem(secretProblem, 'BYBIT_API_SECRET') });
  }
  return issues;
}
