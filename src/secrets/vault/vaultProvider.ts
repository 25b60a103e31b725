import { z } from 'zod';
import { SecretUnavailableError, toBybotError } from '../../domain/errors.ts';
import type { Logger } from '../../observability/logger.ts';
import type { SecretName } from '../catalog.ts';
import type { SecretProvider } from '../provider.ts';
import { readSecretFile } from '../secureFile.ts';
import { VaultHttp } from './vaultHttp.ts';

/**
 * `secrets.provider: vault`: HashiCorp Vault's KV version 2 engine over its HTTP API.
 *
 * - Login: `token` (a token from `secrets.vault.tokenFile` or `VAULT_TOKEN`) or `approle`
 *   (`POST /v1/auth/approle/login` with `role_id` = `secrets.vault.roleId` and the
 *   `secret_id` from `secrets.vault.secretIdFile` or `VAULT_SECRET_ID`).
 * - Read: `GET /v1/<mount>/data/<path>`; the secret's fields are named like the secrets
 *   (`bybit-api-key`, `bybit-api-secret`, ...). `data.metadata.version` tells a rotation
 *   whether anything changed.
 * - Lease: the token's TTL (from the login or `GET /v1/auth/token/lookup-self`) is renewed
 *   with `POST /v1/auth/token/renew-self` when half of it is left; when it cannot be renewed
 *   (not renewable, max TTL reached, refused) an AppRole login is made again, and the
 *   listeners of `onStale` are told, so the values are read again and checked. A secret read
 *   with a lease (`lease_duration` > 0) is read again when the lease runs out.
 */
export interface VaultSettings {
  readonly address: string;
  readonly namespace: string;
  readonly mount: string;
  readonly path: string;
  readonly auth: 'token' | 'approle';
  readonly tokenFile: string;
  readonly roleId: string;
  readonly secretIdFile: string;
  readonly approleMount: string;
  readonly caFile: string;
  readonly requestTimeoutMs: number;
  /** Renew the token when this fraction of its TTL is left (0.5: at half time). */
  readonly renewAtFraction: number;
}

const AuthBlock = z.object({ client_token: z.string().min(1), lease_duration: z.number().nonnegative(), renewable: z.boolean() });
const LoginResponse = z.object({ auth: AuthBlock });
const LookupResponse = z.object({ data: z.object({ ttl: z.number().nonnegative(), renewable: z.boolean().optional().default(false) }) });
const KvResponse = z.object({
  data: z.object({ data: z.record(z.string(), z.unknown()).nullable(), metadata: z.object({ version: z.number().int() }).partial().passthrough().optional() }),
  lease_duration: z.number().nonnegative().optional().default(0),
});

interface TokenState {
  readonly token: string;
  /** Wall ms when the TTL ends, or null for a token that does not expire. */
  readonly expiresAt: number | null;
  readonly renewable: boolean;
  readonly ttlMs: number;
}

export interface VaultProviderOptions {
  readonly settings: VaultSettings;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** Wall clock (tests inject one). */
  readonly now?: () => number;
}

export class VaultProvider implements SecretProvider {
  readonly name = 'vault' as const;
  readonly canRotate = true;
  readonly location: string;
  private readonly http: VaultHttp;
  private tokenState: TokenState | null = null;
  private renewTimer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private readonly staleListeners = new Set<(why: string) => void>();
  private closed = false;
  private started = false;
  /** KV version of the last read (for logs: a rotation says which version it took). */
  lastVersion: number | null = null;

  constructor(private readonly o: VaultProviderOptions) {
    const s = o.settings;
    if (s.address === '') throw new SecretUnavailableError('secrets.vault.address is required with secrets.provider vault');
    this.location = `${s.address.replace(/\/+$/, '')}/v1/${s.mount}/data/${s.path}${s.namespace ? ` (namespace ${s.namespace})` : ''}`;
    this.http = new VaultHttp({ address: s.address, namespace: s.namespace, caFile: s.caFile, timeoutMs: s.requestTimeoutMs });
  }

  private now(): number {
    return this.o.now ? this.o.now() : Date.now();
  }

  onStale(listener: (why: string) => void): () => void {
    this.staleListeners.add(listener);
    return () => this.staleListeners.delete(listener);
  }

  start(): void {
    this.started = true;
    this.scheduleRenewal();
  }

  async read(names: readonly SecretName[], signal?: AbortSignal): Promise<ReadonlyMap<SecretName, string>> {
    const token = await this.token(signal);
    const s = this.o.settings;
    const response = await this.http.request('GET', `${s.mount}/data/${s.path}`, token, undefined, signal);
    if (response.status === 404) throw new SecretUnavailableError(`Vault has no secret at ${this.location} (HTTP 404); write it with: vault kv put -mount=${s.mount} ${s.path} bybit-api-key=... bybit-api-secret=...`);
    if (response.status === 403) this.tokenState = null; // a revoked or expired token: log in again next time
    if (response.status < 200 || response.status >= 300) {
      const errors = (response.body as { errors?: unknown } | null)?.errors;
      throw new SecretUnavailableError(`Vault read of ${this.location} answered HTTP ${response.status}: ${Array.isArray(errors) && errors.length > 0 ? errors.join('; ') : 'no reason given'}`);
    }
    const parsed = KvResponse.safeParse(response.body);
    if (!parsed.success) throw new SecretUnavailableError(`Vault read of ${this.location}: not a KV version 2 answer (is ${s.mount} a kv-v2 mount?)`);
    const data = parsed.data.data.data ?? {};
    this.lastVersion = parsed.data.data.metadata?.version ?? null;
    this.scheduleLeaseEnd(parsed.data.lease_duration);
    const out = new Map<SecretName, string>();
    for (const name of names) {
      const value = data[name];
      if (typeof value === 'string' && value.trim() !== '') out.set(name, value);
      else if (value !== undefined && typeof value !== 'string') throw new SecretUnavailableError(`Vault secret ${this.location}: field ${name} is not a string`);
    }
    return out;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.renewTimer);
    clearTimeout(this.leaseTimer);
    this.http.close();
  }

  /** The current token, logging in (or reading the token file) when there is none. */
  private async token(signal?: AbortSignal): Promise<string> {
    if (this.tokenState && (this.tokenState.expiresAt === null || this.tokenState.expiresAt > this.now())) return this.tokenState.token;
    this.tokenState = await this.login(signal);
    this.scheduleRenewal();
    return this.tokenState.token;
  }

  private async login(signal?: AbortSignal): Promise<TokenState> {
    const s = this.o.settings;
    if (s.auth === 'approle') {
      if (s.roleId === '') throw new SecretUnavailableError('secrets.vault.roleId is required with secrets.vault.auth approle');
      const secretId = this.bootstrapSecret(s.secretIdFile, 'VAULT_SECRET_ID', 'secrets.vault.secretIdFile');
      const body = await this.http.ok('POST', `auth/${s.approleMount}/login`, null, { role_id: s.roleId, secret_id: secretId }, signal);
      const parsed = LoginResponse.safeParse(body);
      if (!parsed.success) throw new SecretUnavailableError('Vault AppRole login: the answer has no auth.client_token');
      this.o.logger.info({ event: 'vault_login', auth: 'approle', ttlSeconds: parsed.data.auth.lease_duration, renewable: parsed.data.auth.renewable }, `logged in to Vault with AppRole (token TTL ${parsed.data.auth.lease_duration} s)`);
      return this.stateFrom(parsed.data.auth.client_token, parsed.data.auth.lease_duration, parsed.data.auth.renewable);
    }
    const token = this.bootstrapSecret(s.tokenFile, 'VAULT_TOKEN', 'secrets.vault.tokenFile');
    const body = await this.http.ok('GET', 'auth/token/lookup-self', token, undefined, signal);
    const parsed = LookupResponse.safeParse(body);
    if (!parsed.success) throw new SecretUnavailableError('Vault token lookup-self: unexpected answer');
    return this.stateFrom(token, parsed.data.data.ttl, parsed.data.data.renewable);
  }

  private stateFrom(token: string, ttlSeconds: number, renewable: boolean): TokenState {
    const ttlMs = ttlSeconds * 1000;
    return { token, ttlMs, renewable, expiresAt: ttlSeconds === 0 ? null : this.now() + ttlMs };
  }

  /** The bootstrap credential of the login: a file (owner-only) or an environment variable. */
  private bootstrapSecret(file: string, envName: string, setting: string): string {
    if (file !== '') {
      const path = file.replace('${CREDENTIALS_DIRECTORY}', this.o.env.CREDENTIALS_DIRECTORY ?? '${CREDENTIALS_DIRECTORY}');
      const underSystemd = this.o.env.CREDENTIALS_DIRECTORY !== undefined && path.startsWith(this.o.env.CREDENTIALS_DIRECTORY);
      const value = readSecretFile(path, setting, { privateMode: !underSystemd, ownedByUs: !underSystemd });
      if (value === undefined) throw new SecretUnavailableError(`${setting} ${path} does not exist`);
      return value.trim();
    }
    const value = this.o.env[envName];
    if (value === undefined || value.trim() === '') throw new SecretUnavailableError(`Vault login needs ${setting} or the ${envName} environment variable`);
    return value.trim();
  }

  private scheduleRenewal(): void {
    clearTimeout(this.renewTimer);
    const state = this.tokenState;
    if (!this.started || this.closed || !state || state.expiresAt === null) return;
    const delay = Math.max(1_000, state.expiresAt - this.now() - state.ttlMs * this.o.settings.renewAtFraction);
    this.renewTimer = setTimeout(() => void this.renew(), delay);
    this.renewTimer.unref();
  }

  /** renew-self; when that is refused or not possible, log in again (AppRole) and tell the listeners. */
  private async renew(): Promise<void> {
    const state = this.tokenState;
    if (this.closed || !state) return;
    try {
      if (!state.renewable) throw new SecretUnavailableError('the Vault token is not renewable');
      const body = await this.http.ok('POST', 'auth/token/renew-self', state.token, {});
      const parsed = LoginResponse.safeParse(body);
      if (!parsed.success) throw new SecretUnavailableError('Vault renew-self: the answer has no auth block');
      const renewed = this.stateFrom(parsed.data.auth.client_token, parsed.data.auth.lease_duration, parsed.data.auth.renewable);
      // Vault caps renewals at the token's max TTL: a renewal that no longer extends it is the end.
      const extended = renewed.expiresAt === null || state.expiresAt === null || renewed.expiresAt > state.expiresAt;
      this.tokenState = renewed;
      this.o.logger.info({ event: 'vault_token_renewed', ttlSeconds: parsed.data.auth.lease_duration }, `Vault token renewed (TTL ${parsed.data.auth.lease_duration} s)`);
      if (!extended) throw new SecretUnavailableError('the Vault token reached its maximum TTL');
      this.scheduleRenewal();
    } catch (error) {
      const why = toBybotError(error).message;
      this.o.logger.warn({ event: 'vault_token_renewal_failed', err: why }, `Vault token renewal failed: ${why}; logging in again`);
      this.tokenState = null;
      try {
        await this.token();
      } catch (loginError) {
        this.o.logger.error({ event: 'vault_login_failed', err: toBybotError(loginError).message }, 'Vault login after a failed renewal failed; retrying in 30 s');
        this.renewTimer = setTimeout(() => void this.renewOrLogin(), 30_000);
        this.renewTimer.unref();
      }
      for (const listener of this.staleListeners) listener(`Vault token could not be renewed (${why})`);
    }
  }

  private async renewOrLogin(): Promise<void> {
    if (this.closed) return;
    this.tokenState = null;
    try {
      await this.token();
      for (const listener of this.staleListeners) listener('logged in to Vault again');
    } catch {
      this.renewTimer = setTimeout(() => void this.renewOrLogin(), 30_000);
      this.renewTimer.unref();
    }
  }

  private scheduleLeaseEnd(leaseSeconds: number): void {
    clearTimeout(this.leaseTimer);
    if (!this.started || this.closed || leaseSeconds <= 0) return;
    this.leaseTimer = setTimeout(() => {
      for (const listener of this.staleListeners) listener(`the secret's Vault lease of ${leaseSeconds} s ended`);
    }, leaseSeconds * 1000);
    this.leaseTimer.unref();
  }
}
