import type { SecretName } from './catalog.ts';

/**
 * A place secrets are read from. `read` answers the names it holds (a name it does not hold
 * is absent from the map, not an error); it throws SecretUnavailableError when the store
 * itself cannot be used (Vault down, a file that exists but cannot be read) and
 * SecretInsecureError when a secret is stored where others can read it.
 */
export type SecretProviderName = 'env' | 'file' | 'systemd-credentials' | 'vault';

export interface SecretProvider {
  readonly name: SecretProviderName;
  /** Where it reads from, for logs and messages (a directory, a Vault address and path); never a value. */
  readonly location: string;
  /** False when a second read cannot see a new value (the process environment). */
  readonly canRotate: boolean;
  read(names: readonly SecretName[], signal?: AbortSignal): Promise<ReadonlyMap<SecretName, string>>;
  /**
   * Vault: called when the secret's lease or the token's TTL says the values should be read
   * again (renewal failed, the lease ran out); the rotation then re-reads and checks them.
   */
  onStale?(listener: (why: string) => void): () => void;
  /** Starts background work (token renewal); idempotent. */
  start?(): void;
  close(): void;
}

/**
 * What other parts of the bot (the Telegram bot, the webhook signer) use to get a secret
 * without knowing the provider: the value as resolved at start-up or by the last rotation.
 */
export interface SecretResolver {
  get(name: SecretName): string | undefined;
  /** Called with the new value after a rotation changed it. */
  onChange(name: SecretName, listener: (value: string) => void): () => void;
}
