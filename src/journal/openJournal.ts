import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { acquireWriterLock } from './writerLock.ts';
import type { AppConfig } from '../../config/schema.ts';
import type { Logger } from '../observability/logger.ts';
import { Journal } from './journal.ts';

/** The journal file a configuration points at (also used by `npm run journal`). */
export function journalPath(config: AppConfig, cwd = process.cwd()): string {
  return resolve(cwd, join(config.journal.dataDir, config.journal.file));
}

/**
 * Opens the configured journal for the bot, or returns undefined when disabled. Integrity
 * is checked on open: a corrupt database throws JournalCorruptError and the bot must not
 * start trading (crash-only: better no data than wrong data).
 */
export function openJournal(config: AppConfig, logger: Logger): Journal | undefined {
  if (!config.journal.enabled) return undefined;
  const path = journalPath(config);
  mkdirSync(dirname(path), { recursive: true });
  const lock = acquireWriterLock(path);
  let journal: Journal;
  try {
    journal = Journal.open(path, { onClose: () => lock.release() });
  } catch (error) {
    lock.release();
    throw error;
  }
  const report = journal.verify();
  logger.info(
    { event: 'journal_opened', path, schemaVersion: journal.schemaVersion(), orderEvents: report.orderEvents, sizeBytes: journal.sizeBytes() },
    `journal ${path}: integrity ok, ${report.orderEvents} order event(s) in the checksum chain`,
  );
  return journal;
}
