import { chmodSync, chownSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, toBybotError } from '../../src/domain/errors.ts';
import { createSecretProvider } from '../../src/secrets/createProvider.ts';
import { envProvider } from '../../src/secrets/envProvider.ts';
import { fileProvider } from '../../src/secrets/fileProvider.ts';
import { systemdCredentialsProvider } from '../../src/secrets/systemdProvider.ts';
import { defaultConfig } from '../../config/load.ts';

/**
 * The env, file and systemd-credentials providers: what each reads, and what the file
 * provider refuses (group/other permissions, another owner, a writable directory, links,
 * empty files) with messages that name the file and the fix but never the content.
 */
const KEY = 'prov1der-test-key-AAAA';
const SECRET = 'prov1der-test-secret-0123456789abcdef';

function secretsDir(files: Record<string, string> = { 'bybit-api-key': KEY, 'bybit-api-secret': SECRET }, mode = 0o600): string {
  const dir = mkdtempSync(join(tmpdir(), 'bybot-secrets-'));
  chmodSync(dir, 0o700);
  for (const [name, value] of Object.entries(files)) {
    writeFileSync(join(dir, name), `${value}\n`);
    chmodSync(join(dir, name), mode);
  }
  return dir;
}

async function refusal(read: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await read;
  } catch (error) {
    const typed = toBybotError(error);
    return { code: typed.code, message: typed.message };
  }
  throw new Error('expected the read to be refused');
}

const NAMES = ['bybit-api-key', 'bybit-api-secret', 'http-control-token'];

describe('env provider', () => {
  it('reads the conventional variables, skips blank ones, and cannot rotate', async () => {
    const provider = envProvider({ BYBIT_API_KEY: KEY, BYBIT_API_SECRET: SECRET, BYBOT_HTTP_CONTROL_TOKEN: '   ' });
    const values = await provider.read(NAMES);
    expect(Object.fromEntries(values)).toEqual({ 'bybit-api-key': KEY, 'bybit-api-secret': SECRET });
    expect(provider.canRotate).toBe(false);
    expect(provider.location).not.toContain(KEY);
  });
});

describe('file provider', () => {
  it('reads one owner-only file per secret (trailing newline removed); a missing file is simply absent', async () => {
    const provider = fileProvider(secretsDir());
    const values = await provider.read(NAMES);
    expect(Object.fromEntries(values)).toEqual({ 'bybit-api-key': KEY, 'bybit-api-secret': SECRET });
    expect(provider.canRotate).toBe(true);
  });

  it.each([
    [0o640, 'group-readable'],
    [0o604, 'world-readable'],
    [0o620, 'group-writable'],
  ])('refuses a secret file with mode %s (%s), naming the file and chmod 600, never the value', async (mode) => {
    const dir = secretsDir(undefined, mode);
    const r = await refusal(fileProvider(dir).read(NAMES));
    expect(r.code).toBe(ERROR_CODES.SECRET_INSECURE);
    expect(r.message).toContain(join(dir, 'bybit-api-key'));
    expect(r.message).toContain('chmod 600');
    expect(r.message).toContain(`mode ${mode.toString(8)}`);
    expect(r.message).not.toContain(KEY);
    expect(r.message).not.toContain(SECRET);
  });

  it("refuses a file owned by another user than the bot's", async () => {
    const dir = secretsDir();
    const myUid = process.getuid!();
    // The bot runs as another user than the files' owner.
    const r = await refusal(fileProvider(dir, { uid: myUid + 1 }).read(NAMES));
    expect(r.code).toBe(ERROR_CODES.SECRET_INSECURE);
    expect(r.message).toContain(`belongs to user id ${myUid}, not to the bot's user (${myUid + 1})`);
    expect(r.message).not.toContain(KEY);
    if (myUid === 0) {
      // As root the real case too: a file chowned to nobody is refused to the process itself.
      const other = secretsDir();
      chownSync(join(other, 'bybit-api-secret'), 65534, 65534);
      const real = await refusal(fileProvider(other).read(NAMES));
      expect(real.message).toContain('belongs to user id 65534');
      expect(real.message).not.toContain(SECRET);
    }
  });

  it('refuses a directory others can write into, a symbolic link and an empty file', async () => {
    const open = secretsDir();
    chmodSync(open, 0o777);
    const dirRefusal = await refusal(fileProvider(open).read(NAMES));
    expect(dirRefusal.code).toBe(ERROR_CODES.SECRET_INSECURE);
    expect(dirRefusal.message).toContain('chmod 700');

    const linked = secretsDir({ 'bybit-api-secret': SECRET });
    symlinkSync(join(secretsDir(), 'bybit-api-key'), join(linked, 'bybit-api-key'));
    const linkRefusal = await refusal(fileProvider(linked).read(NAMES));
    expect(linkRefusal.code).toBe(ERROR_CODES.SECRET_INSECURE);
    expect(linkRefusal.message).toContain('symbolic link');

    const empty = secretsDir({ 'bybit-api-key': '', 'bybit-api-secret': SECRET });
    const emptyRefusal = await refusal(fileProvider(empty).read(NAMES));
    expect(emptyRefusal.code).toBe(ERROR_CODES.SECRET_UNAVAILABLE);
    expect(emptyRefusal.message).toContain('is empty');
  });

  it('says which directory is missing', async () => {
    const missing = join(tmpdir(), 'bybot-no-such-secrets-dir');
    const r = await refusal(fileProvider(missing).read(NAMES));
    expect(r.code).toBe(ERROR_CODES.SECRET_UNAVAILABLE);
    expect(r.message).toContain(missing);
  });

  it('reads a changed file again (rotation needs no restart)', async () => {
    const dir = secretsDir();
    const provider = fileProvider(dir);
    expect((await provider.read(NAMES)).get('bybit-api-key')).toBe(KEY);
    writeFileSync(join(dir, 'bybit-api-key'), 'prov1der-next-key-BBBB\n', { mode: 0o600 });
    expect((await provider.read(NAMES)).get('bybit-api-key')).toBe('prov1der-next-key-BBBB');
  });
});

describe('systemd-credentials provider', () => {
  it('reads $CREDENTIALS_DIRECTORY/<name> (systemd owns the directory: no mode rule)', async () => {
    const dir = secretsDir(undefined, 0o644);
    const provider = systemdCredentialsProvider({ CREDENTIALS_DIRECTORY: dir });
    expect(Object.fromEntries(await provider.read(NAMES))).toEqual({ 'bybit-api-key': KEY, 'bybit-api-secret': SECRET });
    expect(provider.location).toBe(dir);
  });

  it('without $CREDENTIALS_DIRECTORY it refuses and points at LoadCredential=', async () => {
    const r = await refusal(systemdCredentialsProvider({}).read(NAMES));
    expect(r.code).toBe(ERROR_CODES.SECRET_UNAVAILABLE);
    expect(r.message).toContain('LoadCredential=');
  });

  it('still refuses a symbolic link or a directory in place of a credential', async () => {
    const dir = secretsDir({ 'bybit-api-secret': SECRET });
    mkdirSync(join(dir, 'bybit-api-key'));
    const r = await refusal(systemdCredentialsProvider({ CREDENTIALS_DIRECTORY: dir }).read(NAMES));
    expect(r.code).toBe(ERROR_CODES.SECRET_INSECURE);
    expect(r.message).toContain('not a regular file');
  });
});

describe('secrets.provider selects the provider', () => {
  it.each(['env', 'file', 'systemd-credentials', 'vault'] as const)('%s', (name) => {
    const base = defaultConfig().secrets;
    const settings = { ...base, provider: name, file: { dir: '/tmp' }, vault: { ...base.vault, address: 'http://127.0.0.1:1', auth: 'token' as const } };
    const logger = { child: () => logger, info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as never;
    const provider = createSecretProvider(settings, { CREDENTIALS_DIRECTORY: '/run/credentials/bybot.service' }, logger);
    expect(provider.name).toBe(name);
    provider.close();
  });
});
