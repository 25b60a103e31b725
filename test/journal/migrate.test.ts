import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/journal/migrations.ts';
import { cleanEnv } from '../support/childEnv.ts';

/**
 * `npm run journal -- migrate [--dry-run]`, the release pipeline's migration step: the dry
 * run lists the pending migrations and applies them to a copy only (the journal keeps its
 * version); the real run migrates in place and keeps every row.
 */
const root = resolve(import.meta.dirname, '../..');
const latest = MIGRATIONS.at(-1)!.version;

function journalAtVersion1(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bybot-migrate-')), 'bybot.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(MIGRATIONS[0]!.sql);
  db.pragma('user_version = 1');
  db.prepare('INSERT INTO alerts (at, priority, channel, reason) VALUES (?, ?, ?, ?)').run(Date.UTC(2026, 0, 5), 'P2', 'test', 'kept across the migration');
  db.close();
  return path;
}

const version = (path: string): number => {
  const db = new Database(path, { readonly: true });
  const v = db.pragma('user_version', { simple: true }) as number;
  db.close();
  return v;
};

function journalCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/journal/cli.ts'), ...args], { cwd: root, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
}

describe('npm run journal -- migrate', () => {
  it('--dry-run lists the pending migrations and tries them on a copy; without it the journal is migrated, rows kept', () => {
    const path = journalAtVersion1();
    const dry = journalCli(['migrate', '--dry-run', '--db', path]);
    expect(dry.status, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout.trim()) as { dryRun: boolean; fromVersion: number; toVersion: number; pending: { version: number }[]; integrity: string };
    expect(plan).toMatchObject({ dryRun: true, fromVersion: 1, toVersion: latest, integrity: 'ok' });
    expect(plan.pending.map((m) => m.version)).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
    expect(version(path)).toBe(1);

    const real = journalCli(['migrate', '--db', path]);
    expect(real.status, real.stderr).toBe(0);
    expect(JSON.parse(real.stdout.trim())).toMatchObject({ dryRun: false, fromVersion: 1, toVersion: latest, integrity: 'ok' });
    expect(version(path)).toBe(latest);
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT reason FROM alerts').all()).toEqual([{ reason: 'kept across the migration' }]);
    db.close();

    const again = journalCli(['migrate', '--dry-run', '--db', path]);
    expect(JSON.parse(again.stdout.trim())).toMatchObject({ fromVersion: latest, toVersion: latest, pending: [] });
  }, 120_000);

  it('--dry-run belongs to migrate only', () => {
    const r = journalCli(['stats', '--dry-run', '--db', journalAtVersion1()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--dry-run applies to migrate only');
  }, 60_000);
});
