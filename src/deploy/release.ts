import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { readInstanceFile, type InstanceInfo } from './instanceFiles.ts';
import { promote, type PromoteReport } from './promote.ts';

/**
 * `npm run deploy -- release`: the managed path from a new release directory to trading on
 * it, with the old version kept as the rollback. Steps, in order, each stopping the release
 * when it fails: install, typecheck and tests, the bundle (`npm run build`), journal backup, migrations (dry run first),
 * the new version started as a standby, the smoke test on the new version's configuration,
 * promote (the active instance hands over, the standby trades). The commands are the
 * release directory's own (`npm run journal`, `npm run smoke`), so the new code migrates
 * and smoke-tests itself. A failure after the standby started stops that standby: the old
 * version keeps trading.
 */
export interface ReleaseOptions {
  readonly releaseDir: string;
  readonly configPath: string;
  readonly dbPath: string;
  readonly dataDir: string;
  readonly controlToken: () => string;
  readonly installCommand: string;
  readonly testCommand: string;
  /** Starts the new version as a standby (systemd: `systemctl restart bybot@<slot>`); empty = spawn `npm start -- --standby` from the release directory. */
  readonly standbyCommand: string;
  readonly smokeDuration: string;
  readonly standbyTimeoutMs: number;
  readonly promoteTimeoutMs: number;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: Record<string, unknown>) => void;
}

export interface ReleaseReport {
  readonly ok: boolean;
  readonly failedStep: string | null;
  readonly steps: readonly { readonly step: string; readonly ok: boolean; readonly ms: number; readonly note: string }[];
  readonly promote: PromoteReport | null;
  readonly standby: InstanceInfo | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function shell(command: string, cwd: string, env: NodeJS.ProcessEnv): { ok: boolean; note: string } {
  const run = spawnSync('/bin/sh', ['-c', command], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const tail = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
  return { ok: run.status === 0, note: run.status === 0 ? tail.split('\n').slice(-1)[0] ?? '' : `exit ${run.status ?? run.signal}: ${tail}` };
}

function tsx(releaseDir: string, script: string, args: readonly string[]): string {
  const quoted = [script, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return `'${process.execPath}' --import tsx ${quoted}`;
}

export async function release(o: ReleaseOptions): Promise<ReleaseReport> {
  const steps: { step: string; ok: boolean; ms: number; note: string }[] = [];
  let standby: InstanceInfo | null = null;
  let promoted: PromoteReport | null = null;
  const step = async (name: string, run: () => Promise<{ ok: boolean; note: string }> | { ok: boolean; note: string }): Promise<boolean> => {
    const started = Date.now();
    let result: { ok: boolean; note: string };
    try {
      result = await run();
    } catch (error) {
      result = { ok: false, note: error instanceof Error ? error.message : String(error) };
    }
    const entry = { step: name, ok: result.ok, ms: Date.now() - started, note: result.note };
    steps.push(entry);
    o.log({ release: entry });
    return result.ok;
  };
  const fail = (name: string): ReleaseReport => ({ ok: false, failedStep: name, steps, promote: promoted, standby });
  const journalExists = existsSync(o.dbPath);
  const journalCli = (args: string[]) => shell(tsx(o.releaseDir, 'src/journal/cli.ts', [...args, '--config', o.configPath]), o.releaseDir, o.env);

  if (!(await step('install', () => shell(o.installCommand, o.releaseDir, o.env)))) return fail('install');
  if (!(await step('test', () => shell(o.testCommand, o.releaseDir, o.env)))) return fail('test');
  // The bundle the service runs (dist/main.mjs): built here, since the unit's code directory is read-only.
  if (!(await step('build', () => shell('npm run -s build', o.releaseDir, o.env)))) return fail('build');
  if (!(await step('backup', () => (journalExists ? journalCli(['backup']) : { ok: true, note: `no journal at ${o.dbPath} yet: nothing to back up` })))) return fail('backup');
  if (!(await step('migrate-dry-run', () => (journalExists ? journalCli(['migrate', '--dry-run']) : { ok: true, note: 'no journal yet' })))) return fail('migrate-dry-run');
  if (!(await step('migrate', () => (journalExists ? journalCli(['migrate']) : { ok: true, note: 'no journal yet: the new version creates it' })))) return fail('migrate');

  const stopStandby = (): void => {
    if (standby) {
      try {
        process.kill(standby.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  const standbyStarted = await step('standby', async () => {
    const before = readInstanceFile(o.dbPath, 'standby');
    if (o.standbyCommand !== '') {
      const r = shell(o.standbyCommand, o.releaseDir, o.env);
      if (!r.ok) return r;
    } else {
      const logs = join(o.dataDir, 'logs');
      mkdirSync(logs, { recursive: true });
      const out = openSync(join(logs, `standby-${new Date().toISOString().replace(/[:.]/g, '-')}.log`), 'a', 0o600);
      const child = spawn(process.execPath, ['dist/main.mjs', '--standby', '--config', o.configPath], { cwd: o.releaseDir, env: o.env, detached: true, stdio: ['ignore', out, out] });
      child.unref();
      closeSync(out);
    }
    const deadline = Date.now() + o.standbyTimeoutMs;
    while (Date.now() < deadline) {
      const now = readInstanceFile(o.dbPath, 'standby');
      const active = readInstanceFile(o.dbPath, 'active');
      if (now && now.pid !== before?.pid && now.codeDir === o.releaseDir) {
        standby = now;
        return { ok: true, note: `standby pid ${now.pid} (${now.version}) on ${now.url}` };
      }
      // First deployment: no active instance, the "standby" took the journal at once.
      if (active && active.codeDir === o.releaseDir && active.pid !== before?.pid && !readInstanceFile(o.dbPath, 'standby')) {
        standby = active;
        return { ok: true, note: `no active instance was running: the new version (pid ${active.pid}) took the journal directly` };
      }
      await sleep(100);
    }
    return { ok: false, note: `the new version did not register as a standby within ${o.standbyTimeoutMs} ms (see ${join(o.dataDir, 'logs')})` };
  });
  if (!standbyStarted) return fail('standby');
  if (!(await step('smoke', () => shell(tsx(o.releaseDir, 'src/deploy/smoke.ts', ['--config', o.configPath, '--duration', o.smokeDuration]), o.releaseDir, o.env)))) {
    stopStandby();
    return fail('smoke');
  }
  const activeNow = readInstanceFile(o.dbPath, 'active');
  const ok = await step('promote', async () => {
    if (activeNow && standby && activeNow.pid === standby.pid) return { ok: true, note: 'the new version already trades (first deployment)' };
    promoted = await promote({ dbPath: o.dbPath, controlToken: o.controlToken, reason: `release of ${o.releaseDir}`, timeoutMs: o.promoteTimeoutMs });
    return { ok: true, note: `pid ${promoted.from.pid} (${promoted.from.version}) -> pid ${promoted.to.pid} (${promoted.to.version}) in ${promoted.handoverMs} ms` };
  });
  if (!ok) {
    // Only while the old version still trades: a standby that is taking over must be left alone.
    if (activeNow && readInstanceFile(o.dbPath, 'active')?.pid === activeNow.pid) stopStandby();
    return fail('promote');
  }
  return { ok: true, failedStep: null, steps, promote: promoted, standby };
}
