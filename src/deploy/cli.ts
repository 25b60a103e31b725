import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { parseDuration } from '../cli/args.ts';
import { tokenFilePath } from '../http/access/controlToken.ts';
import { journalPath, resolveDataDir } from '../journal/openJournal.ts';
import { writerLockHolder } from '../journal/writerLock.ts';
import { readInstanceFile } from './instanceFiles.ts';
import { promote, PromoteError } from './promote.ts';
import { release } from './release.ts';
import { verifyUnits } from './units.ts';
import { BybotError } from '../domain/errors.ts';
import { readSecretFile } from '../secrets/secureFile.ts';

/**
 * `npm run deploy -- <command>`:
 *   verify   the systemd units' content, then systemd-analyze verify where installed
 *   status   the active instance and the standby of the configured journal
 *   promote  hand trading over from the active instance to the standby (rollback: the same, back)
 *   release  install, test, back up, migrate, start the new version on standby, smoke, promote
 */
const USAGE = `Usage: npm run deploy -- verify [--units DIR]
       npm run deploy -- status  [--config FILE | --db FILE]
       npm run deploy -- promote [--config FILE | --db FILE] [--token-file FILE] [--timeout 60s]
       npm run deploy -- release --config FILE [--release-dir DIR] [--install-command CMD]
                                 [--test-command CMD] [--standby-command CMD] [--smoke-duration 20s]
                                 [--timeout 60s]`;

const FLAGS = new Set(['units', 'config', 'db', 'token-file', 'timeout', 'release-dir', 'install-command', 'test-command', 'standby-command', 'smoke-duration']);

function parse(argv: readonly string[]): { command: string | undefined; flags: Record<string, string> } | string {
  const flags: Record<string, string> = {};
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return 'help';
    if (!a.startsWith('--')) {
      if (command) return `unexpected argument ${a}`;
      command = a;
      continue;
    }
    const name = a.slice(2);
    if (!FLAGS.has(name)) return `unknown option ${a}`;
    const value = argv[++i];
    if (value === undefined) return `${a} needs a value`;
    flags[name] = value;
  }
  return { command, flags };
}

/** The configuration for its paths only: secrets are not needed (nor read) by these commands. */
function paths(flags: Record<string, string>): { dbPath: string; dataDir: string; tokenFile: string; token: string; configPath: string } | string {
  if (flags.db) return { dbPath: resolve(flags.db), dataDir: resolve(flags.db, '..'), tokenFile: flags['token-file'] ?? resolve(flags.db, '..', 'control.token'), token: '', configPath: '' };
  const loaded = loadConfig({ env: process.env, configPath: flags.config, overrides: { secrets: { provider: 'file', file: { dir: '/' } } } });
  if (!loaded.ok) return `configuration invalid:\n${loaded.problems.map((p) => `  ${p}`).join('\n')}`;
  const dataDir = resolveDataDir(loaded.config);
  // With secrets.provider file, the control token is the provider's own file.
  const provided = providerTokenFile(flags.config);
  return {
    dbPath: journalPath(loaded.config),
    dataDir,
    tokenFile: flags['token-file'] ?? provided ?? tokenFilePath(loaded.config.http.controlTokenFile, dataDir),
    token: loaded.config.http.controlToken,
    configPath: flags.config ? resolve(flags.config) : '',
  };
}

/** `secrets.file.dir/http-control-token` when the configuration uses the file provider and that file exists. */
function providerTokenFile(configPath: string | undefined): string | undefined {
  const real = loadConfig({ env: process.env, configPath, overrides: { secrets: { allowPlaintext: true } } });
  const settings = real.ok ? real.config.secrets : null;
  if (!settings || settings.provider !== 'file' || settings.file.dir === '') return undefined;
  const path = join(resolve(settings.file.dir), 'http-control-token');
  return existsSync(path) ? path : undefined;
}

function ms(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : (parseDuration(text) ?? fallback);
}

const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (typeof args === 'string' || !args.command) {
    process.stderr.write(`${typeof args === 'string' ? args : 'missing command'}\n${USAGE}\n`);
    return 2;
  }
  const { command, flags } = args;
  if (command === 'verify') {
    const dir = resolve(flags.units ?? 'deploy/systemd');
    const report = verifyUnits(dir, 10_000);
    print({ verify: { units: dir, problems: report.problems, systemdAnalyze: report.systemdAnalyze, ...(report.output ? { output: report.output } : {}) } });
    if (report.systemdAnalyze.startsWith('skipped')) process.stderr.write(`systemd-analyze verify ${report.systemdAnalyze}; the unit content was checked\n`);
    return report.problems.length === 0 && report.systemdAnalyze !== 'failed' ? 0 : 1;
  }
  if (!['status', 'promote', 'release'].includes(command)) {
    process.stderr.write(`unknown command ${command}\n${USAGE}\n`);
    return 2;
  }
  const p = paths(flags);
  if (typeof p === 'string') {
    process.stderr.write(`${p}\n`);
    return 2;
  }
  const token = (): string => {
    if (p.token) return p.token;
    try {
      // Owner-only like every secret file (the operator may read it as root: any owner).
      const value = readSecretFile(p.tokenFile, 'control token', { privateMode: true, ownedByUs: false });
      if (value === undefined) throw new Error('ENOENT');
      return value.trim();
    } catch (error) {
      const why = error instanceof BybotError ? error.message : `cannot read the control token file ${p.tokenFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      throw new PromoteError(`${why}: pass --token-file FILE, or set http.controlToken (BYBOT_HTTP_CONTROL_TOKEN)`);
    }
  };
  if (command === 'status') {
    print({ status: { journal: p.dbPath, lockHolder: writerLockHolder(p.dbPath), active: readInstanceFile(p.dbPath, 'active'), standby: readInstanceFile(p.dbPath, 'standby') } });
    return 0;
  }
  if (command === 'promote') {
    try {
      const report = await promote({ dbPath: p.dbPath, controlToken: token, reason: 'npm run deploy -- promote', timeoutMs: ms(flags.timeout, 60_000), log: (line) => process.stderr.write(`${line}\n`) });
      print({ promote: report });
      return 0;
    } catch (error) {
      process.stderr.write(`promote failed: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  }
  if (!p.configPath) {
    process.stderr.write(`release needs --config FILE (the configuration the new version runs with)\n${USAGE}\n`);
    return 2;
  }
  const report = await release({
    releaseDir: resolve(flags['release-dir'] ?? process.cwd()),
    configPath: p.configPath,
    dbPath: p.dbPath,
    dataDir: p.dataDir,
    controlToken: token,
    installCommand: flags['install-command'] ?? 'npm ci',
    testCommand: flags['test-command'] ?? 'npm test',
    standbyCommand: flags['standby-command'] ?? '',
    smokeDuration: flags['smoke-duration'] ?? '20s',
    standbyTimeoutMs: ms(flags.timeout, 120_000),
    promoteTimeoutMs: ms(flags.timeout, 60_000),
    env: process.env,
    log: (line) => print(line),
  });
  print({ releaseDone: { ok: report.ok, failedStep: report.failedStep, promote: report.promote, rollback: report.ok ? 'npm run deploy -- promote --config <same file> once the previous version waits on standby (bybot@<slot> restarts it as standby; or npm start -- --standby in its directory)' : null } });
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`deploy failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
