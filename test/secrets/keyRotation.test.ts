import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/load.ts';
import type { ApiKeyInfo, CredentialControl } from '../../src/exchange/bybit/credentialSwap.ts';
import type { Credentials } from '../../src/exchange/bybit/sdkClients.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { Observation } from '../../src/core/alerts/types.ts';
import { KeyRotation, keyFingerprint } from '../../src/secrets/keyRotation.ts';
import type { SecretProvider } from '../../src/secrets/provider.ts';
import { SecretStore } from '../../src/secrets/store.ts';

/**
 * KeyRotation's decisions with a fake exchange side: a changed key is checked with its own
 * signed query-api before the swap; any failed check keeps the old key and raises
 * secrets:key_rotation_failed (P2) in the alert engine; a rotation resolves it, raises
 * secrets:key_rotated (P3) and has the key's expiry read again (the engine's
 * exchange:api_key_expiry rule). No message or log line carries a key or a secret.
 */
const NOW = Date.UTC(2026, 5, 1, 12);
const DAY = 86_400_000;
const OLD = { apiKey: 'rot-old-key-AAAA', apiSecret: 'rot-old-secret-0123456789' };
const NEW = { apiKey: 'rot-new-key-BBBB', apiSecret: 'rot-new-secret-0123456789' };

interface Harness {
  rotation: KeyRotation;
  alerts: Observation[];
  rotatedHooks: number;
  logs: string[];
  used: Credentials[];
  infoCalls: (Credentials | undefined)[];
  store: SecretStore;
  setProvided(values: Credentials): void;
  current(): Credentials;
}

function harness(o: { info?: (c: Credentials | undefined) => ApiKeyInfo; canRotate?: boolean; failUse?: boolean } = {}): Harness {
  let provided: Credentials = OLD;
  let current: Credentials = OLD;
  const used: Credentials[] = [];
  const infoCalls: (Credentials | undefined)[] = [];
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', pretty: 'never', destination: { write: (l: string) => void logs.push(l) } });
  const provider: SecretProvider = {
    name: 'file',
    location: '/etc/bybot/secrets',
    canRotate: o.canRotate ?? true,
    async read() {
      return new Map([
        ['bybit-api-key', provided.apiKey],
        ['bybit-api-secret', provided.apiSecret],
      ]);
    },
    close() {},
  };
  const target: CredentialControl = {
    current: () => current,
    async info(c) {
      infoCalls.push(c);
      return (o.info ?? (() => ({ userId: '1', expiresAt: null, readOnly: false, permissions: { ContractTrade: ['Order', 'Position'] } })))(c);
    },
    async use(c) {
      if (o.failUse) throw new Error('the private websocket refused the new key (auth failed)');
      used.push(c);
      current = c;
    },
  };
  const alerts: Observation[] = [];
  const store = new SecretStore(new Map([['bybit-api-key', OLD.apiKey], ['bybit-api-secret', OLD.apiSecret]]));
  const h = { alerts, rotatedHooks: 0 } as Harness;
  const rotation = new KeyRotation({ provider, store, target, observe: (o) => alerts.push(...o), onRotated: () => void h.rotatedHooks++, logger, settings: { ...defaultConfig().secrets.rotation, checkIntervalMs: 0 }, now: () => NOW });
  return Object.assign(h, { rotation, logs, used, infoCalls, store, setProvided: (v: Credentials) => (provided = v), current: () => current });
}

function label(o: Observation): string {
  if (o.kind === 'recovery') return `recovery ${o.keyPrefixes.join(',')}`;
  return `${o.kind} ${o.key} ${o.priority}${o.kind === 'event' && o.oneShot ? ' oneShot' : ''}`;
}

function noSecretsIn(h: Harness): void {
  const text = `${h.logs.join('')}${JSON.stringify(h.alerts)}`;
  for (const value of [OLD.apiKey, OLD.apiSecret, NEW.apiKey, NEW.apiSecret]) expect(text).not.toContain(value);
}

describe('key rotation', () => {
  it('the provider still holds the key in use: unchanged, no check, no swap', async () => {
    const h = harness();
    await h.rotation.start();
    expect((await h.rotation.rotateNow('SIGHUP')).result).toBe('unchanged');
    expect(h.used).toEqual([]);
    h.rotation.stop();
  });

  it('a new key is checked with its own signed query-api, then swapped in; the store tells its listeners', async () => {
    const h = harness();
    await h.rotation.start();
    const seen: string[] = [];
    h.store.onChange('bybit-api-key', (v) => seen.push(keyFingerprint(v)));
    h.setProvided(NEW);
    const r = await h.rotation.rotateNow('SIGHUP');
    expect(r.result).toBe('rotated');
    expect(h.infoCalls.at(-1)).toEqual(NEW);
    expect(h.used).toEqual([NEW]);
    expect(h.store.get('bybit-api-key')).toBe(NEW.apiKey);
    expect(seen).toEqual([keyFingerprint(NEW.apiKey)]);
    expect(h.alerts.map(label)).toEqual(['recovery secrets:key_rotation_failed', 'event secrets:key_rotated P3 oneShot']);
    expect(h.rotatedHooks).toBe(1);
    expect(r.message).toContain(keyFingerprint(NEW.apiKey));
    noSecretsIn(h);
    h.rotation.stop();
  });

  it.each([
    ['the check fails (invalid key)', (c: Credentials | undefined) => { if (c) throw new Error('10003 API key is invalid.'); return { userId: '1', expiresAt: null, readOnly: false, permissions: null }; }, 'failed its check'],
    ['another account', (c: Credentials | undefined) => ({ userId: c ? '2' : '1', expiresAt: null, readOnly: false, permissions: null }), 'belongs to exchange account 2'],
    ['a read-only key', (c: Credentials | undefined) => ({ userId: '1', expiresAt: null, readOnly: c !== undefined, permissions: null }), 'read-only'],
    ['no trading permission', (c: Credentials | undefined) => ({ userId: '1', expiresAt: null, readOnly: false, permissions: c ? { ContractTrade: ['Position'] } : null }), 'lacks the ContractTrade'],
    ['already expired', (c: Credentials | undefined) => ({ userId: '1', expiresAt: c ? NOW - 1 : null, readOnly: false, permissions: null }), 'already expired'],
  ])('%s: the old key stays and KEY_ROTATION_FAILED (P2) is raised', async (_name, info, reason) => {
    const h = harness({ info });
    await h.rotation.start();
    h.setProvided(NEW);
    const r = await h.rotation.rotateNow('schedule');
    expect(r.result).toBe('failed');
    expect(r.message).toContain(reason);
    expect(h.used).toEqual([]);
    expect(h.current()).toEqual(OLD);
    expect(h.store.get('bybit-api-key')).toBe(OLD.apiKey);
    expect(h.alerts.map(label)).toEqual(['event secrets:key_rotation_failed P2']);
    expect(h.rotatedHooks).toBe(0);
    noSecretsIn(h);
    h.rotation.stop();
  });

  it('a swap that fails (the websocket refuses the key) keeps the old key', async () => {
    const h = harness({ failUse: true });
    await h.rotation.start();
    h.setProvided(NEW);
    const r = await h.rotation.rotateNow('lease');
    expect(r.result).toBe('failed');
    expect(r.message).toContain('swap failed');
    expect(h.store.get('bybit-api-key')).toBe(OLD.apiKey);
    h.rotation.stop();
  });

  it('concurrent triggers share one run', async () => {
    const h = harness();
    await h.rotation.start();
    h.setProvided(NEW);
    const [a, b] = await Promise.all([h.rotation.rotateNow('SIGHUP'), h.rotation.rotateNow('schedule')]);
    expect(a).toBe(b);
    expect(h.used).toHaveLength(1);
    h.rotation.stop();
  });

  it('a provider that cannot change while running (env) answers unsupported', async () => {
    const h = harness({ canRotate: false });
    expect((await h.rotation.rotateNow('SIGHUP')).result).toBe('unsupported');
  });
});
