import { createHash } from 'node:crypto';
import type { SecretsConfig } from '../../config/secretsSchema.ts';
import { toBybotError } from '../domain/errors.ts';
import type { ApiKeyInfo, CredentialControl } from '../exchange/bybit/credentialSwap.ts';
import type { Observation } from '../core/alerts/types.ts';
import type { Logger } from '../observability/logger.ts';
import { EXCHANGE_KEY_NAMES } from './catalog.ts';
import type { SecretProvider } from './provider.ts';
import type { SecretStore } from './store.ts';

/**
 * Exchange key rotation without a restart. Triggers: SIGHUP (`systemctl reload`), the
 * schedule (`secrets.rotation.checkIntervalMs`), and the provider saying its values went
 * stale (a Vault token or lease that could not be renewed). Each run reads the key and
 * secret again; when they changed, the new pair must pass a signed read-only call
 * (`/v5/user/query-api`) on the same exchange account, with trading permissions, before it
 * is swapped in (credentialSwap.ts). Alerts go through the alert engine (src/core/alerts):
 * a failed check keeps the old key and raises `secrets:key_rotation_failed` (P2, resolved by
 * the next successful rotation); a rotation is `secrets:key_rotated` (P3, one-shot). The
 * key's expiry (`expiredAt` of query-api) is the engine's sampled rule
 * `exchange:api_key_expiry` (P2 within alerts.thresholds.apiKeyExpiryDays, P1 within
 * apiKeyExpiryCriticalDays): after a rotation `onRotated` makes it read the new key's
 * expiry at once.
 */
export type RotationTrigger = 'SIGHUP' | 'schedule' | 'lease' | 'http' | 'test';

export interface RotationResult {
  readonly result: 'rotated' | 'unchanged' | 'failed' | 'unsupported';
  readonly message: string;
}

export interface KeyRotationOptions {
  readonly provider: SecretProvider;
  readonly store: SecretStore;
  readonly target: CredentialControl;
  /** The alert engine's input (cockpit.alerts.observe). */
  readonly observe: (observations: readonly Observation[]) => void;
  /** After a swap: the new key's expiry is read again (the alert rule on expiry). */
  readonly onRotated?: () => void;
  readonly logger: Logger;
  readonly settings: SecretsConfig['rotation'];
  /** Wall clock. */
  readonly now?: () => number;
  readonly counter?: { inc(labels: { result: string; trigger: string }): void };
}

/** A short, non-reversible name for a key in logs: the first 8 hex of its SHA-256. */
export function keyFingerprint(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 8);
}

export class KeyRotation {
  private accountId: string | null = null;
  private running: Promise<RotationResult> | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private offStale: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly o: KeyRotationOptions) {}

  private now(): number {
    return this.o.now ? this.o.now() : Date.now();
  }

  /** Reads the current key's account, then starts the schedules. Never throws. */
  async start(): Promise<void> {
    try {
      this.accountId = (await this.o.target.info(undefined, AbortSignal.timeout(this.o.settings.checkTimeoutMs))).userId;
    } catch (error) {
      this.o.logger.warn({ event: 'api_key_info_failed', err: toBybotError(error).message }, 'could not read the API key information (query-api); the first rotation reads it');
    }
    if (this.stopped) return;
    this.o.provider.start?.();
    this.offStale = this.o.provider.onStale?.((why) => void this.rotateNow('lease', why)) ?? null;
    const every = (ms: number, run: () => void): void => {
      const timer = setInterval(run, ms);
      timer.unref();
      this.timers.push(timer);
    };
    if (this.o.settings.checkIntervalMs > 0 && this.o.provider.canRotate) every(this.o.settings.checkIntervalMs, () => void this.rotateNow('schedule'));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.offStale?.();
  }

  /** One rotation attempt; concurrent triggers share the run in progress. */
  rotateNow(trigger: RotationTrigger, why = ''): Promise<RotationResult> {
    this.running ??= this.rotate(trigger, why).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async rotate(trigger: RotationTrigger, why: string): Promise<RotationResult> {
    const { provider, logger } = this.o;
    const finish = (result: RotationResult): RotationResult => {
      this.o.counter?.inc({ result: result.result, trigger });
      return result;
    };
    if (!provider.canRotate) {
      const message = `secrets.provider ${provider.name} cannot change while the bot runs; to use a new key, restart or hand over to a standby started with it`;
      logger.info({ event: 'key_rotation', trigger, result: 'unsupported' }, message);
      return finish({ result: 'unsupported', message });
    }
    let next: { apiKey: string; apiSecret: string };
    try {
      const values = await provider.read(EXCHANGE_KEY_NAMES, AbortSignal.timeout(this.o.settings.checkTimeoutMs));
      const apiKey = values.get('bybit-api-key');
      const apiSecret = values.get('bybit-api-secret');
      if (apiKey === undefined || apiSecret === undefined) throw new Error(`${provider.name} (${provider.location}) holds no ${apiKey === undefined ? 'bybit-api-key' : 'bybit-api-secret'}`);
      next = { apiKey: apiKey.trim(), apiSecret: apiSecret.trim() };
    } catch (error) {
      return finish(this.fail(trigger, `the new key could not be read: ${toBybotError(error).message}`));
    }
    const current = this.o.target.current();
    if (next.apiKey === current.apiKey && next.apiSecret === current.apiSecret) {
      logger.info({ event: 'key_rotation', trigger, result: 'unchanged', keyId: keyFingerprint(current.apiKey), ...(why ? { why } : {}) }, `key rotation (${trigger}): the provider holds the key in use; nothing to do`);
      return finish({ result: 'unchanged', message: 'the provider holds the key in use' });
    }
    if (this.accountId === null) {
      // The same-account rule needs the account of the key in use.
      try {
        this.accountId = (await this.o.target.info(undefined, AbortSignal.timeout(this.o.settings.checkTimeoutMs))).userId;
      } catch (error) {
        return finish(this.fail(trigger, `the account of the key in use could not be read, so the new key cannot be compared with it: ${toBybotError(error).message}`, next.apiKey));
      }
    }
    let info: ApiKeyInfo;
    try {
      info = await this.o.target.info(next, AbortSignal.timeout(this.o.settings.checkTimeoutMs));
    } catch (error) {
      return finish(this.fail(trigger, `the new key failed its check (signed GET /v5/user/query-api): ${toBybotError(error).message}`, next.apiKey));
    }
    const refusal = this.refusal(info);
    if (refusal) return finish(this.fail(trigger, refusal, next.apiKey));
    try {
      await this.o.target.use(next, AbortSignal.timeout(this.o.settings.checkTimeoutMs));
    } catch (error) {
      return finish(this.fail(trigger, `the new key passed its check but the swap failed: ${toBybotError(error).message}`, next.apiKey));
    }
    this.o.store.set('bybit-api-key', next.apiKey);
    this.o.store.set('bybit-api-secret', next.apiSecret);
    const message = `API key rotated (${trigger}): key ${keyFingerprint(next.apiKey)} replaces ${keyFingerprint(current.apiKey)}; the private websocket re-authenticated and no request signed with the old key is still under way (it may be revoked now)`;
    logger.info({ event: 'key_rotation', trigger, result: 'rotated', keyId: keyFingerprint(next.apiKey), previousKeyId: keyFingerprint(current.apiKey) }, message);
    this.o.observe([
      { kind: 'recovery', keyPrefixes: ['secrets:key_rotation_failed'], message },
      { kind: 'event', key: 'secrets:key_rotated', priority: 'P3', source: 'secrets', title: 'API key rotated', message, oneShot: true },
    ]);
    this.o.onRotated?.();
    return finish({ result: 'rotated', message });
  }

  /** Why a checked key must not be used, or null. */
  private refusal(info: ApiKeyInfo): string | null {
    if (info.userId !== this.accountId) return `the new key belongs to exchange account ${info.userId}, not ${this.accountId}`;
    if (info.readOnly) return 'the new key is read-only: it cannot place orders';
    const contract = info.permissions?.ContractTrade;
    if (info.permissions && (!contract || !contract.includes('Order') || !contract.includes('Position'))) return 'the new key lacks the ContractTrade Order and Position permissions';
    if (info.expiresAt !== null && info.expiresAt <= this.now()) return 'the new key has already expired';
    return null;
  }

  private fail(trigger: RotationTrigger, reason: string, apiKey?: string): RotationResult {
    const message = `key rotation (${trigger}) failed, the key in use stays: ${reason}`;
    this.o.logger.error({ event: 'key_rotation', trigger, result: 'failed', ...(apiKey ? { keyId: keyFingerprint(apiKey) } : {}) }, message);
    this.o.observe([{ kind: 'event', key: 'secrets:key_rotation_failed', priority: 'P2', source: 'secrets', title: 'API key rotation failed: the old key stays in use', message }]);
    return { result: 'failed', message };
  }
}
