import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkUnit, parseUnit, verifyUnits } from '../../src/deploy/units.ts';

/**
 * The systemd units in deploy/systemd: their content is checked directive by directive
 * (what the deployment relies on), each rule is shown to catch its mistake, and
 * `npm run deploy -- verify` runs systemd-analyze verify where it is installed and says it
 * skipped it where it is not.
 */
const root = resolve(import.meta.dirname, '../..');
const units = join(root, 'deploy/systemd');
const service = readFileSync(join(units, 'bybot.service'), 'utf8');
const template = readFileSync(join(units, 'bybot@.service'), 'utf8');
const SHUTDOWN_MS = 10_000;
const ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));

describe('systemd units', () => {
  it('bybot.service and bybot@.service pass every content rule', () => {
    expect(checkUnit('bybot.service', service, SHUTDOWN_MS)).toEqual([]);
    expect(checkUnit('bybot@.service', template, SHUTDOWN_MS)).toEqual([]);
  });

  it.each([
    ['bybot.service', service],
    ['bybot@.service', template],
  ])('%s: Type=notify with a watchdog, sandboxed, keys by LoadCredential, reload by SIGHUP', (_name, text) => {
    const s = parseUnit(text).get('Service')!;
    expect(s.get('Type')).toEqual(['notify']);
    expect(Number(s.get('WatchdogSec')![0])).toBeGreaterThanOrEqual(10);
    expect(s.get('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    for (const [key, value] of [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['PrivateTmp', 'yes']] as const) expect(s.get(key)).toEqual([value]);
    expect(s.get('MemoryMax')![0]).toMatch(/^\d+[KMG]$/);
    expect(s.get('ReadWritePaths')![0]).toMatch(/^\/var\/lib\/bybot/);
    expect(s.get('LoadCredential')!.map((c) => c.split(':')[0])).toEqual(['bybit-api-key', 'bybit-api-secret']);
    expect(s.get('Environment')).toContain('BYBOT_SECRETS_PROVIDER=systemd-credentials');
    expect(s.get('User')).toEqual(['bybot']);
  });

  it('the template runs each slot on standby from its own code directory', () => {
    const s = parseUnit(template).get('Service')!;
    expect(s.get('ExecStart')![0]).toContain('--standby');
    expect(s.get('WorkingDirectory')).toEqual(['/opt/bybot/%i']);
    expect(s.get('EnvironmentFile')).toEqual(['/etc/bybot/%i.env']);
    expect(s.get('Restart')).toEqual(['always']);
  });

  it.each([
    ['Type=notify', 'Type=simple', 'Type must be notify'],
    ['WatchdogSec=30', 'WatchdogSec=0', 'WatchdogSec must be set'],
    ['ExecReload=/bin/kill -HUP $MAINPID', 'ExecReload=/bin/true', 'ExecReload must send SIGHUP'],
    ['ProtectSystem=strict', 'ProtectSystem=full', 'ProtectSystem must be strict'],
    ['NoNewPrivileges=yes', 'NoNewPrivileges=no', 'NoNewPrivileges must be yes'],
    ['PrivateTmp=yes', 'PrivateTmp=no', 'PrivateTmp must be yes'],
    ['MemoryMax=2G', 'MemoryMax=infinity', 'MemoryMax must bound the memory'],
    ['TimeoutStopSec=30', 'TimeoutStopSec=5', 'TimeoutStopSec must exceed shutdown.deadlineMs'],
    ['ReadWritePaths=/var/lib/bybot', 'ReadWritePaths=/srv/other', 'BYBOT_JOURNAL_DATA_DIR /var/lib/bybot is not under ReadWritePaths'],
    ['User=bybot', 'User=root', 'User must name an unprivileged user'],
    ['LoadCredential=bybit-api-secret:/etc/bybot/credentials/bybit-api-secret', 'LoadCredential=bybit-secret:/etc/bybot/credentials/bybit-api-secret', 'LoadCredential=bybit-secret is not a secret the bot reads'],
    ['Environment=BYBOT_SECRETS_PROVIDER=systemd-credentials', 'Environment=BYBOT_SECRETS_PROVIDER=env', 'BYBOT_SECRETS_PROVIDER=systemd-credentials is not set'],
    ['RestartPreventExitStatus=2', 'RestartPreventExitStatus=3', 'RestartPreventExitStatus must include 2'],
  ])('catches %s changed to %s', (from, to, problem) => {
    expect(service).toContain(from);
    const problems = checkUnit('bybot.service', service.replace(from, to), SHUTDOWN_MS);
    expect(problems.join('\n')).toContain(problem);
  });

  it('verifyUnits: without systemd-analyze the content is still checked and the run says it skipped', () => {
    const report = verifyUnits(units, SHUTDOWN_MS, '/nonexistent/systemd-analyze');
    expect(report.problems).toEqual([]);
    expect(report.systemdAnalyze).toMatch(/^skipped: .* is not installed/);
  });

  it('npm run deploy -- verify: exit 0, systemd-analyze passed where installed (skipped, said so, where not)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/deploy/cli.ts'), 'verify'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const report = (JSON.parse(run.stdout.trim()) as { verify: { problems: string[]; systemdAnalyze: string; output?: string } }).verify;
    expect(report.problems).toEqual([]);
    if (ANALYZE) expect(report.systemdAnalyze, report.output).toBe('passed');
    else {
      expect(report.systemdAnalyze).toMatch(/^skipped/);
      expect(run.stderr).toContain('the unit content was checked');
    }
  });

  it('systemd-analyze verify itself fails a broken unit (where installed)', () => {
    if (!ANALYZE) {
      expect(verifyUnits(units, SHUTDOWN_MS).systemdAnalyze).toMatch(/^skipped/);
      return;
    }
    const broken = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/deploy/cli.ts'), 'verify', '--units', join(root, 'test/deploy/fixtures/broken-units')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(broken.status).toBe(1);
    const report = (JSON.parse(broken.stdout.trim()) as { verify: { systemdAnalyze: string; output: string } }).verify;
    expect(report.systemdAnalyze).toBe('failed');
    expect(report.output).toMatch(/Unknown key|bogus|ExecStart/i);
  });
});
