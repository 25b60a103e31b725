import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, toBybotError } from '../../src/domain/errors.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { VaultProvider, type VaultSettings } from '../../src/secrets/vault/vaultProvider.ts';
import { startVaultStandIn, type VaultStandIn } from '../support/vaultStandIn.ts';

/**
 * The vault provider against a local stand-in answering Vault's documented endpoints
 * (test/support/vaultStandIn.ts): token and AppRole login, KV v2 reads, TLS with a private
 * CA, namespaces, token renewal and the re-login when the max TTL is reached, and errors
 * that never carry a token, a secret_id or a value.
 */
const KEY = 'vau1t-test-key-AAAA';
const SECRET = 'vau1t-test-secret-0123456789abcdef';
const SECRET_ID = 'b7c4a2e0-approle-secret-id-0000';
const NAMES = ['bybit-api-key', 'bybit-api-secret'];

const stands: VaultStandIn[] = [];
const providers: VaultProvider[] = [];
afterEach(async () => {
  for (const p of providers.splice(0)) p.close();
  for (const s of stands.splice(0)) await s.close();
});

function logs(): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', pretty: 'never', destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
  return { lines, logger };
}

function privateFile(content: string, mode = 0o600): string {
  const dir = mkdtempSync(join(tmpdir(), 'bybot-vault-'));
  const path = join(dir, 'cred');
  writeFileSync(path, `${content}\n`);
  chmodSync(path, mode);
  return path;
}

function settings(address: string, extra: Partial<VaultSettings>): VaultSettings {
  return { address, namespace: '', mount: 'secret', path: 'bybot/main', auth: 'token', tokenFile: '', roleId: '', secretIdFile: '', approleMount: 'approle', caFile: '', requestTimeoutMs: 3_000, renewAtFraction: 0.5, ...extra };
}

async function stand(options: Parameters<typeof startVaultStandIn>[0] = {}): Promise<VaultStandIn> {
  const s = await startVaultStandIn(options);
  stands.push(s);
  s.put('bybot/main', { 'bybit-api-key': KEY, 'bybit-api-secret': SECRET, unrelated: 'x' });
  return s;
}

function provider(s: VaultSettings, env: Record<string, string> = {}, logger = logs().logger): VaultProvider {
  const p = new VaultProvider({ settings: s, env, logger });
  providers.push(p);
  return p;
}

async function failure(read: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await read;
  } catch (error) {
    const typed = toBybotError(error);
    return { code: typed.code, message: typed.message };
  }
  throw new Error('expected a failure');
}

describe('vault provider (KV v2 over the HTTP API)', () => {
  it('token auth from a file: lookup-self, then GET /v1/secret/data/<path> with X-Vault-Token', async () => {
    const vault = await stand();
    const token = vault.createToken(3600);
    const p = provider(settings(vault.address, { tokenFile: privateFile(token) }));
    const values = await p.read(NAMES);
    expect(Object.fromEntries(values)).toEqual({ 'bybit-api-key': KEY, 'bybit-api-secret': SECRET });
    expect(p.lastVersion).toBe(1);
    expect(vault.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/auth/token/lookup-self', 'GET /v1/secret/data/bybot/main']);
    expect(vault.requests.every((r) => r.token === token)).toBe(true);
    expect(p.location).not.toContain(token);
  });

  it('token auth from VAULT_TOKEN; a new KV version is seen by the next read (rotation)', async () => {
    const vault = await stand();
    const p = provider(settings(vault.address, {}), { VAULT_TOKEN: vault.createToken(0) });
    expect((await p.read(NAMES)).get('bybit-api-key')).toBe(KEY);
    vault.put('bybot/main', { 'bybit-api-key': 'vau1t-next-key-BBBB', 'bybit-api-secret': 'vau1t-next-secret-0123456789abcdef' });
    expect((await p.read(NAMES)).get('bybit-api-key')).toBe('vau1t-next-key-BBBB');
    expect(p.lastVersion).toBe(2);
  });

  it('AppRole login with role_id and the secret_id file, in a namespace', async () => {
    const vault = await stand({ roleId: 'bybot-role', secretId: SECRET_ID, namespace: 'trading/' });
    const p = provider(settings(vault.address, { auth: 'approle', roleId: 'bybot-role', secretIdFile: privateFile(SECRET_ID), namespace: 'trading/' }));
    expect((await p.read(NAMES)).get('bybit-api-secret')).toBe(SECRET);
    expect(vault.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/auth/approle/login', 'GET /v1/secret/data/bybot/main']);
    expect(vault.requests.every((r) => r.namespace === 'trading/')).toBe(true);
  });

  it('a refused AppRole login names Vault\'s reason, never the secret_id', async () => {
    const vault = await stand({ roleId: 'bybot-role', secretId: 'another-secret-id' });
    const r = await failure(provider(settings(vault.address, { auth: 'approle', roleId: 'bybot-role' }), { VAULT_SECRET_ID: SECRET_ID }).read(NAMES));
    expect(r.code).toBe(ERROR_CODES.SECRET_UNAVAILABLE);
    expect(r.message).toContain('HTTP 400: invalid role or secret ID');
    expect(r.message).not.toContain(SECRET_ID);
  });

  it('refuses a token file others can read, a revoked token, and a path with no secret', async () => {
    const vault = await stand();
    const token = vault.createToken(3600);
    const insecure = await failure(provider(settings(vault.address, { tokenFile: privateFile(token, 0o644) })).read(NAMES));
    expect(insecure.code).toBe(ERROR_CODES.SECRET_INSECURE);
    expect(insecure.message).not.toContain(token);

    const p = provider(settings(vault.address, { tokenFile: privateFile(token) }));
    await p.read(NAMES);
    vault.revokeToken(token);
    const revoked = await failure(p.read(NAMES));
    expect(revoked.message).toContain('HTTP 403: permission denied');
    expect(revoked.message).not.toContain(token);

    const missing = await failure(provider(settings(vault.address, { path: 'bybot/nothing' }), { VAULT_TOKEN: vault.createToken(0) }).read(NAMES));
    expect(missing.message).toContain('HTTP 404');
    expect(missing.message).toContain('vault kv put');
  });

  it('TLS: trusts Vault through secrets.vault.caFile, and refuses the certificate without it', async () => {
    const vault = await stand({ tls: true });
    const token = vault.createToken(0);
    const trusted = provider(settings(vault.address, { caFile: vault.caFile }), { VAULT_TOKEN: token });
    expect((await trusted.read(NAMES)).get('bybit-api-key')).toBe(KEY);
    const untrusted = await failure(provider(settings(vault.address, {}), { VAULT_TOKEN: token }).read(NAMES));
    expect(untrusted.code).toBe(ERROR_CODES.SECRET_UNAVAILABLE);
    expect(untrusted.message).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|self-signed|unable to verify/i);
  });

  it('renews the token at half its TTL; at the max TTL it logs in again and tells the listeners to re-read', async () => {
    const vault = await stand({ roleId: 'bybot-role', secretId: SECRET_ID, tokenTtlSeconds: 2, tokenMaxTtlSeconds: 3 });
    const { lines, logger } = logs();
    const p = provider(settings(vault.address, { auth: 'approle', roleId: 'bybot-role', secretIdFile: privateFile(SECRET_ID) }), {}, logger);
    const stale: string[] = [];
    p.onStale((why) => stale.push(why));
    p.start();
    await p.read(NAMES);
    // Renewal 1 at ~1 s extends the TTL to the 3 s max; renewal 2 cannot extend it any more.
    const deadline = Date.now() + 8_000;
    while (stale.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const calls = vault.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls.filter((c) => c === 'POST /v1/auth/token/renew-self').length).toBeGreaterThanOrEqual(1);
    expect(calls.filter((c) => c === 'POST /v1/auth/approle/login').length).toBe(2);
    expect(stale[0]).toContain('Vault token could not be renewed');
    expect(lines.some((l) => l.event === 'vault_token_renewed')).toBe(true);
    // The new token works for the re-read the listeners do.
    expect((await p.read(NAMES)).get('bybit-api-key')).toBe(KEY);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(SECRET_ID);
    expect(text).not.toContain('hvs.');
  }, 15_000);
});
