import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRET_CATALOG } from '../secrets/catalog.ts';

/**
 * `npm run deploy -- verify`: the unit files' content (every directive the deployment
 * relies on, and paths that agree with each other), then `systemd-analyze verify` on them
 * where systemd is installed (Debian's `systemd` package); without it that part is skipped
 * and said so.
 */
export type UnitFile = Map<string, Map<string, string[]>>;

/** systemd's INI dialect: sections, `Key=Value` (repeatable), `#`/`;` comments, `\` continuations. */
export function parseUnit(text: string): UnitFile {
  const unit: UnitFile = new Map();
  let section: Map<string, string[]> | undefined;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = unit.get(header[1]!) ?? new Map();
      unit.set(header[1]!, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 1) continue;
    const key = line.slice(0, eq).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return unit;
}

function values(unit: UnitFile, section: string, key: string): string[] {
  return unit.get(section)?.get(key) ?? [];
}

function last(unit: UnitFile, section: string, key: string): string | undefined {
  const all = values(unit, section, key);
  return all[all.length - 1];
}

function seconds(text: string | undefined): number | null {
  if (text === undefined) return null;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|min|m|h)?$/.exec(text.trim());
  if (!match) return null;
  const n = Number(match[1]);
  const unit = match[2] ?? 's';
  return unit === 'ms' ? n / 1000 : unit === 'min' || unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : n;
}

/** Problems of one unit file's content (empty: it says what the deployment needs). */
export function checkUnit(name: string, text: string, shutdownDeadlineMs: number): string[] {
  const unit = parseUnit(text);
  const problems: string[] = [];
  const need = (section: string, key: string, test: (v: string | undefined) => boolean, what: string): void => {
    if (!test(last(unit, section, key))) problems.push(`${name}: [${section}] ${key} ${what} (found ${JSON.stringify(last(unit, section, key) ?? null)})`);
  };
  const template = name.includes('@.');
  need('Unit', 'Description', (v) => !!v, 'must describe the service');
  need('Service', 'Type', (v) => v === 'notify', 'must be notify (the bot sends READY=1 and WATCHDOG=1)');
  need('Service', 'NotifyAccess', (v) => v === 'main' || v === 'all', 'must be main (the bot itself sends the datagrams)');
  need('Service', 'ExecStart', (v) => !!v && /^\/\S*node\s/.test(v) && (v.includes('dist/main.mjs') || v.includes('src/main.ts')), 'must run dist/main.mjs (npm run build) with an absolute node path');
  if (template) need('Service', 'ExecStart', (v) => !!v && v.includes('--standby'), 'of the template must pass --standby (slots share a journal; the lock holder trades)');
  need('Service', 'ExecReload', (v) => !!v && /kill\s+-HUP\s+\$MAINPID/.test(v), 'must send SIGHUP to $MAINPID');
  need('Service', 'WatchdogSec', (v) => (seconds(v) ?? 0) >= 10, 'must be set (>= 10 s; the bot pings every half of it)');
  need('Service', 'TimeoutStopSec', (v) => (seconds(v) ?? 0) * 1000 > shutdownDeadlineMs, `must exceed shutdown.deadlineMs (${shutdownDeadlineMs} ms) so the bot finishes its orders before systemd kills it`);
  need('Service', 'Restart', (v) => v === 'on-failure' || v === 'always', 'must restart the bot after a failure');
  need('Service', 'RestartPreventExitStatus', (v) => !!v && v.split(/\s+/).includes('2'), 'must include 2 (an invalid configuration does not heal by restarting)');
  need('Service', 'NoNewPrivileges', (v) => v === 'yes' || v === 'true', 'must be yes');
  need('Service', 'ProtectSystem', (v) => v === 'strict', 'must be strict');
  need('Service', 'PrivateTmp', (v) => v === 'yes' || v === 'true', 'must be yes');
  need('Service', 'MemoryMax', (v) => !!v && /^\d+[KMGT]?$/.test(v), 'must bound the memory');
  need('Service', 'User', (v) => !!v && v !== 'root', 'must name an unprivileged user');
  need('Service', 'WorkingDirectory', (v) => !!v && v.startsWith('/'), 'must be the absolute code directory');
  need('Install', 'WantedBy', (v) => !!v, 'must say which target starts it');
  if (template && !(last(unit, 'Service', 'WorkingDirectory') ?? '').includes('%i')) problems.push(`${name}: [Service] WorkingDirectory of the template must use %i (each slot runs its own release)`);

  // Paths that must agree: the data directory is writable, and is where the bot writes.
  const rw = values(unit, 'Service', 'ReadWritePaths').flatMap((v) => v.split(/\s+/));
  const stateDirs = values(unit, 'Service', 'StateDirectory').flatMap((v) => v.split(/\s+/)).map((d) => `/var/lib/${d}`);
  const env = new Map(values(unit, 'Service', 'Environment').map((v) => v.replace(/^"|"$/g, '')).map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)] as const));
  const dataDir = env.get('BYBOT_JOURNAL_DATA_DIR');
  const writable = (path: string): boolean => rw.some((p) => path === p || path.startsWith(`${p}/`));
  if (rw.length === 0) problems.push(`${name}: [Service] ReadWritePaths must list the data directory (everything else is read-only under ProtectSystem=strict)`);
  for (const dir of stateDirs) if (!writable(dir)) problems.push(`${name}: StateDirectory ${dir} is not under ReadWritePaths (${rw.join(' ')})`);
  if (dataDir !== undefined && !writable(dataDir)) problems.push(`${name}: BYBOT_JOURNAL_DATA_DIR ${dataDir} is not under ReadWritePaths (${rw.join(' ')}): the journal could not be written`);
  if (dataDir === undefined && values(unit, 'Service', 'EnvironmentFile').length === 0) problems.push(`${name}: set BYBOT_JOURNAL_DATA_DIR (Environment= or EnvironmentFile=): the default data/ under the code directory is read-only here`);

  // Credentials: every LoadCredential names a known secret, the key pair is there, the provider reads them.
  const known = new Set(SECRET_CATALOG.map((s) => s.name));
  const credentials = values(unit, 'Service', 'LoadCredential').map((v) => v.split(':')[0]!);
  for (const c of credentials) if (!known.has(c)) problems.push(`${name}: LoadCredential=${c} is not a secret the bot reads (known: ${[...known].join(', ')})`);
  for (const required of ['bybit-api-key', 'bybit-api-secret']) if (!credentials.includes(required)) problems.push(`${name}: LoadCredential=${required}:<file> is missing`);
  if (credentials.length > 0 && env.get('BYBOT_SECRETS_PROVIDER') !== 'systemd-credentials') problems.push(`${name}: LoadCredential= is used but Environment=BYBOT_SECRETS_PROVIDER=systemd-credentials is not set`);
  return problems;
}

export interface VerifyReport {
  readonly problems: readonly string[];
  /** 'passed', 'failed', or why it did not run. */
  readonly systemdAnalyze: string;
  readonly output: string;
}

/** The content checks of both units, then systemd-analyze verify (bybot.service and an instance of the template). */
export function verifyUnits(dir: string, shutdownDeadlineMs: number, analyzeBinary = 'systemd-analyze'): VerifyReport {
  const files = ['bybot.service', 'bybot@.service'];
  const problems = files.flatMap((file) => {
    try {
      return checkUnit(file, readFileSync(join(dir, file), 'utf8'), shutdownDeadlineMs);
    } catch (error) {
      return [`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`];
    }
  });
  const probe = spawnSync(analyzeBinary, ['--version'], { encoding: 'utf8' });
  if (probe.error) return { problems, systemdAnalyze: `skipped: ${analyzeBinary} is not installed (apt-get install systemd)`, output: '' };
  // A template is verified through an instance; both files sit in one directory so the instance finds it.
  const work = mkdtempSync(join(tmpdir(), 'bybot-units-'));
  try {
    for (const file of files) copyFileSync(join(dir, file), join(work, file));
    copyFileSync(join(dir, 'bybot@.service'), join(work, 'bybot@verify-blue.service'));
    const run = spawnSync(analyzeBinary, ['verify', join(work, 'bybot.service'), join(work, 'bybot@verify-blue.service')], { encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`.trim();
    return { problems, systemdAnalyze: run.status === 0 && output === '' ? 'passed' : 'failed', output };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
