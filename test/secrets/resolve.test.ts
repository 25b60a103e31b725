import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { ConfigError } from '../../src/domain/errors.ts';
import { fileProvider } from '../../src/secrets/fileProvider.ts';
import { resolveSecrets } from '../../src/secrets/resolve.ts';

/**
 * Where secrets may come from: live mode refuses a key, secret or token written in the
 * configuration file (unless secrets.allowPlaintext), the start-up step fills the
 * configuration from the provider, refuses a secret given twice, and runs the live checks on
 * the result. No message carries a value.
 */
const KEY = 'Ab3dEf6hIj9kLm2nOp';
const SECRET = 'Qr5tUv8xYz1aBc4dEf7gHi0jKl3mNo6pQr9s';
const TOKEN = 'control-token-0123456789-abcdefghij';

const dir = mkdtempSync(join(tmpdir(), 'bybot-resolve-'));
function yaml(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function secretsDir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'bybot-resolve-secrets-'));
  chmodSync(d, 0o700);
  for (const [name, value] of Object.entries(files)) writeFileSync(join(d, name), value, { mode: 0o600 });
  return d;
}

describe('plain-text secrets in the configuration file', () => {
  it('live mode refuses the key, secret and tokens written in the file, naming the keys only', () => {
    const path = yaml('live-plain.yaml', `mode: live\nexchange:\n  venue: testnet\n  apiKey: ${KEY}\n  apiSecret: ${SECRET}\nhttp:\n  controlToken: ${TOKEN}\n`);
    const result = loadConfig({ env: {}, configPath: path });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    for (const key of ['exchange.apiKey', 'exchange.apiSecret', 'http.controlToken']) {
      expect(problems.some((p) => p.startsWith(`${key}: a secret written in the configuration file is refused in live mode`))).toBe(true);
    }
    const text = problems.join('\n');
    for (const value of [KEY, SECRET, TOKEN]) expect(text).not.toContain(value);
  });

  it('accepts them with secrets.allowPlaintext: true, and always from the environment', () => {
    const allowed = yaml('live-allowed.yaml', `mode: live\nsecrets: { allowPlaintext: true }\nexchange:\n  venue: testnet\n  apiKey: ${KEY}\n  apiSecret: ${SECRET}\n`);
    expect(loadConfig({ env: {}, configPath: allowed }).ok).toBe(true);
    const bare = yaml('live-env.yaml', 'mode: live\nexchange:\n  venue: testnet\n');
    expect(loadConfig({ env: { BYBIT_API_KEY: KEY, BYBIT_API_SECRET: SECRET }, configPath: bare }).ok).toBe(true);
  });

  it('dry-run keeps accepting a key in the file (the simulator, testnet experiments)', () => {
    const path = yaml('dry-plain.yaml', `mode: dry-run\nexchange:\n  apiKey: ${KEY}\n  apiSecret: ${SECRET}\n`);
    expect(loadConfig({ env: {}, configPath: path }).ok).toBe(true);
  });

  it('checks the provider settings: file needs a directory, vault an address and (approle) a role id', () => {
    const file = loadConfig({ env: {}, overrides: { secrets: { provider: 'file' } } });
    expect(file.ok ? [] : file.problems).toContainEqual(expect.stringContaining('secrets.file.dir: required with secrets.provider file'));
    const vault = loadConfig({ env: {}, overrides: { secrets: { provider: 'vault', vault: { address: 'vault.example:8200' } } } });
    const problems = vault.ok ? [] : vault.problems;
    expect(problems).toContainEqual(expect.stringContaining('secrets.vault.address: must be an http(s) URL'));
    expect(problems).toContainEqual(expect.stringContaining('secrets.vault.roleId: required with secrets.vault.auth approle'));
    const env = loadConfig({ env: { BYBOT_SECRETS_PROVIDER: 'file', BYBOT_SECRETS_FILE_DIR: '/etc/bybot/secrets' } });
    expect(env.ok && env.config.secrets).toMatchObject({ provider: 'file', file: { dir: '/etc/bybot/secrets' } });
  });
});

describe('resolveSecrets (start-up step "secrets")', () => {
  it('fills the exchange key and the control token from the provider and says where each came from', async () => {
    const loaded = loadConfig({ env: {}, overrides: { mode: 'live', exchange: { venue: 'testnet' }, secrets: { provider: 'file', file: { dir: '/unused' } } } });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const provider = fileProvider(secretsDir({ 'bybit-api-key': KEY, 'bybit-api-secret': `${SECRET}\n`, 'http-control-token': TOKEN }));
    const resolved = await resolveSecrets(loaded.config, provider);
    expect(resolved.config.exchange.apiKey).toBe(KEY);
    expect(resolved.config.exchange.apiSecret).toBe(SECRET);
    expect(resolved.config.http.controlToken).toBe(TOKEN);
    expect(resolved.sources).toEqual({ 'bybit-api-key': 'file', 'bybit-api-secret': 'file', 'http-control-token': 'file' });
    expect(resolved.store.get('bybit-api-key')).toBe(KEY);
    expect(Object.isFrozen(resolved.config.exchange)).toBe(true);
  });

  it('refuses a secret given both by the configuration and by the provider, and a live start without a key', async () => {
    const loaded = loadConfig({ env: { BYBIT_API_KEY: KEY }, overrides: { mode: 'live', exchange: { venue: 'testnet' }, secrets: { provider: 'file', file: { dir: '/unused' } } } });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    let error: unknown;
    try {
      await resolveSecrets(loaded.config, fileProvider(secretsDir({ 'bybit-api-key': KEY })));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toContainEqual(expect.stringContaining('exchange.apiKey: set both in the configuration (file or BYBIT_API_KEY) and by secrets.provider file (bybit-api-key)'));
    expect(problems).toContainEqual(expect.stringMatching(/^exchange\.apiSecret: .*\(or bybit-api-secret in secrets\.provider file\)/));
    expect(problems.join('\n')).not.toContain(KEY);
  });
});
