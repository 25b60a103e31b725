import type { WebsocketClient } from 'bybit-api';
import { AuthError, BybotError, ERROR_CODES } from '../../domain/errors.ts';
import type { RestTransport } from './restTransport.ts';
import { ApiKeyInfoSchema } from './schemas.ts';
import type { Credentials } from './sdkClients.ts';

/**
 * Key rotation inside the adapter, without a restart: a new key and secret are first
 * checked with a signed read-only call (`GET /v5/user/query-api`) through clients of their
 * own; the private websocket is then opened with them and must authenticate and subscribe
 * before the old one is closed (make before break: no push is missed); only then do the
 * REST clients of every endpoint change. A request already in flight finishes with the key
 * it was signed with (the old key stays valid on Bybit until it is revoked), and every
 * request after the swap is signed with the new one: the SDK client is taken per request,
 * so a signature never mixes the two. The swap completes once the requests signed with the
 * old key have ended, so "rotated" means the old key is out of use and may be revoked.
 */
export interface ApiKeyInfo {
  readonly userId: string;
  /** Epoch ms, or null when the key never expires. */
  readonly expiresAt: number | null;
  readonly readOnly: boolean;
  /** Bybit's permission groups, when the answer lists them. */
  readonly permissions: Readonly<Record<string, readonly string[]>> | null;
}

export interface CredentialControl {
  /** The key in use (compare, never print). */
  current(): Credentials;
  /** Signed query-api with the given credentials (the current ones when omitted). */
  info(credentials?: Credentials, signal?: AbortSignal): Promise<ApiKeyInfo>;
  /** Opens the private stream with the new credentials, then swaps them in everywhere. */
  use(credentials: Credentials, signal?: AbortSignal): Promise<void>;
}

export interface CredentialSwapDeps {
  readonly initial: Credentials;
  /** A transport whose REST clients sign with these credentials (shares limiter, pool and clock sync). */
  readonly transportFor: (credentials: Credentials) => RestTransport;
  /** Makes these credentials the ones every later REST request is signed with. */
  readonly installRest: (credentials: Credentials) => void;
  /** Settles once the REST requests sent before the swap (signed with the old key) have ended. */
  readonly restSettled?: () => Promise<void>;
  /** The private websocket with these credentials, connected, authenticated and subscribed; null without streams. */
  readonly openPrivate: ((credentials: Credentials, signal?: AbortSignal) => Promise<WebsocketClient>) | null;
  /** Puts the new private client in place of the old one (which is then closed). */
  readonly installPrivate: (client: WebsocketClient) => void;
  /** Teaches the sanitizer the new values before anything can echo them. */
  readonly learnSecrets: (credentials: Credentials) => void;
}

export function parseKeyExpiry(expiredAt: string | undefined): number | null {
  if (expiredAt === undefined || expiredAt.trim() === '') return null;
  const ms = Date.parse(expiredAt);
  return Number.isFinite(ms) ? ms : null;
}

export function createCredentialControl(d: CredentialSwapDeps): CredentialControl {
  let current = d.initial;
  let swapping: Promise<void> | null = null;
  const info = async (credentials: Credentials = current, signal?: AbortSignal): Promise<ApiKeyInfo> => {
    if (credentials !== current) d.learnSecrets(credentials);
    const transport = d.transportFor(credentials);
    // Transient failures (a timeout, a 5xx, a rate limit) are retried within the caller's
    // deadline: a rotation must fail for the key, not for one lost packet. An auth refusal
    // is never retried.
    const { result } = await transport.requestWithRetry({
      operation: 'checkApiKey',
      method: 'GET',
      endpoint: '/v5/user/query-api',
      auth: true,
      params: {},
      group: 'query',
      schema: ApiKeyInfoSchema,
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    if (!result) throw new AuthError('checkApiKey: empty /v5/user/query-api answer');
    const readOnly = result.readOnly === 1 || result.readOnly === true;
    return { userId: String(result.userID), expiresAt: parseKeyExpiry(result.expiredAt), readOnly, permissions: result.permissions ?? null };
  };
  return {
    current: () => current,
    info,
    async use(credentials, signal) {
      if (swapping) throw new BybotError(ERROR_CODES.INVALID_REQUEST, 'a key swap is already running', 'strategy', false);
      swapping = (async () => {
        d.learnSecrets(credentials);
        const client = d.openPrivate ? await d.openPrivate(credentials, signal) : null;
        d.installRest(credentials);
        if (client) d.installPrivate(client);
        current = credentials;
        // Only then is the old key out of use: the operator may revoke it.
        await d.restSettled?.();
      })();
      try {
        await swapping;
      } finally {
        swapping = null;
      }
    },
  };
}

/**
 * Connects a new private websocket client: waits for its `auth` success and the
 * confirmation of every topic, within `timeoutMs`; a refused auth or no answer closes it and
 * throws (the old client keeps running).
 */
export async function authenticateAndSubscribe(client: WebsocketClient, topics: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const offs: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const authenticated = new Promise<void>((resolve, reject) => {
      const onAuth = (): void => resolve();
      const onException = (event: unknown): void => {
        if ((event as { op?: unknown } | null)?.op === 'auth') reject(new AuthError('the private websocket refused the new key (auth failed)'));
      };
      client.on('authenticated', onAuth);
      client.on('exception', onException);
      offs.push(() => client.off('authenticated', onAuth), () => client.off('exception', onException));
    });
    const subscribed = Promise.all(client.subscribeV5([...topics], 'linear', true));
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new AuthError(`the private websocket did not authenticate and subscribe with the new key within ${timeoutMs} ms`)), timeoutMs);
      signal?.addEventListener('abort', () => reject(new AuthError('key swap aborted')), { once: true });
    });
    await Promise.race([Promise.all([authenticated, subscribed]), deadline]);
  } catch (error) {
    client.removeAllListeners();
    client.closeAll(true);
    throw error instanceof BybotError ? error : new AuthError(`the private websocket did not accept the new key: ${error instanceof Error ? error.message : 'refused'}`);
  } finally {
    clearTimeout(timer);
    for (const off of offs) off();
  }
}
