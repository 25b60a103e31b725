import { join, resolve } from 'node:path';
import { acquireWriterLock } from './writerLock.ts';
import type { AppConfig } from '../../config/schema.ts';
import type { Logger } from '../observability/logger.ts';
import { ensureDir } from './dataDir.ts';
import type { JournalIdentity } from './identity.ts';
import { Journal } from './journal.ts';

/**
 * What this run trades: the journal records it and refuses another. The built-in
 * simulator is its own venue ("simulator"); an external simulator server is "local".
 */
export function journalIdentity(config: AppConfig): JournalIdentity {
  const venue = config.mode === 'dry-run' && config.exchange.venue !== 'local' ? 'simulator' : config.exchange.venue;
  return { mode: config.mode, venue };
}

/**
 * True when every run starts a new simulated account (the built-in simulator): nothing of
 * an earlier run's account (a halt, open orders) applies to it.
 */
export function freshAccountPerRun(config: AppConfig): boolean {
  return journalIdentity(config).venue === 'simulator';
}

/**
 * The data directory: journal.dataDir, or by default one per mode and venue so a dry-run
 * never writes into a live journal: data/dry-run (built-in simulator), data/dry-run-local,
 * data/live-mainnet, data/live-testnet, data/live-demo, data/live-local.
 */
export function resolveDataDir(config: AppConfig, cwd = process.cwd()): string {
  if (config.journal.dataDir !== '') return resolve(cwd, config.journal.dataDir);
  const { mode, venue } = journalIdentity(config);
  const name = venue === 'simulator' ? mode : `${mode}-${venue}`;
  return resolve(cwd, 'data', name);
}

/** The journal file a configuration points at (also used by `npm run journal`). */
export function journalPath(config: AppConfig, cwd = process.cwd()): string {
  return join(resolveDataDir(config, cwd), config.journal.file);
}

/**
 * Opens the configured journal for the bot, or returns undefined when disabled. Integrity
 * is checked on open: a corrupt database throws JournalCorruptError and the bot must not
 * start trading (crash-only: better no data than wrong data). A journal recorded under
 * another mode or venue throws JournalMismatchError.
 */
export function openJournal(config: AppConfig, logger: Logger): Journal | undefined {
  if (!config.journal.enabled) return undefined;
  const path = journalPath(config);
  ensureDir(resolveDataDir(config));
  const lock = acquireWriterLock(path);
  let journal: Journal | undefined;
  try {
    journal = Journal.open(path, { onClose: () => lock.release() });
    journal.bindIdentity(journalIdentity(config));
  } catch (error) {
    if (journal) journal.close();
    else lock.release();
    throw error;
  }
  const report = journal.verify();
  logger.info(
    { event: 'journal_opened', path, schemaVersion: journal.schemaVersion(), orderEvents: report.orderEvents, sizeBytes: journal.sizeBytes(), ...journalIdentity(config) },
    `journal ${path}: integrity ok, ${report.orderEvents} order event(s) in the checksum chain`,
  );
  return journal;
}
