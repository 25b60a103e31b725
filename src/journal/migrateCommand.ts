import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from './journal.ts';
import { MIGRATIONS } from './migrations.ts';

/**
 * `npm run journal -- migrate [--dry-run]`. The bot migrates its journal when it opens it;
 * the release pipeline migrates first, explicitly, after a backup. `--dry-run` lists the
 * pending migrations and applies them to an online copy in a temporary directory (checked
 * with the integrity check and the checksum chain afterwards), leaving the journal itself
 * untouched; without it the journal is migrated in place (each migration in its own
 * transaction; migrations only add, so a running older version keeps working).
 */
export interface MigrateReport {
  readonly db: string;
  readonly dryRun: boolean;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly pending: readonly { readonly version: number; readonly description: string }[];
  readonly integrity: 'ok' | string;
  readonly orderEvents: number;
}

export async function migrateJournal(dbPath: string, dryRun: boolean): Promise<MigrateReport> {
  const source = Journal.open(dbPath, { readonly: true });
  const fromVersion = source.schemaVersion();
  const pending = MIGRATIONS.filter((m) => m.version > fromVersion).map((m) => ({ version: m.version, description: m.description }));
  if (!dryRun) {
    source.close();
    const journal = Journal.open(dbPath, { allowNew: false });
    try {
      const report = journal.verify();
      return { db: dbPath, dryRun, fromVersion, toVersion: journal.schemaVersion(), pending, integrity: report.ok ? 'ok' : report.sqlite, orderEvents: report.orderEvents };
    } finally {
      journal.close();
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'bybot-migrate-'));
  try {
    const copy = join(dir, 'dry-run.db');
    await source.backup(copy);
    source.close();
    const migrated = Journal.open(copy, { allowNew: false });
    try {
      const report = migrated.verify();
      return { db: dbPath, dryRun, fromVersion, toVersion: migrated.schemaVersion(), pending, integrity: report.ok ? 'ok' : report.sqlite, orderEvents: report.orderEvents };
    } finally {
      migrated.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
