import type Database from 'better-sqlite3';
import { JournalMismatchError } from './errors.ts';

/**
 * Which trading this journal records: mode (dry-run or live), venue (simulator, local,
 * mainnet, testnet, demo) and the exchange account. Written on first use, checked on every
 * later open: a live journal must never be continued by a dry-run (its halts, fills and
 * open intents would be mixed with a simulated account's), nor one account's by another's.
 */
export interface JournalIdentity {
  readonly mode: string;
  readonly venue: string;
}

type Db = Database.Database;

function read(db: Db, key: string): string | null {
  const row = db.prepare('SELECT value FROM journal_meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

function write(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO journal_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

export function recordedIdentity(db: Db): { mode: string | null; venue: string | null; account: string | null } {
  return { mode: read(db, 'mode'), venue: read(db, 'venue'), account: read(db, 'account') };
}

/** Records mode and venue on first use; refuses a journal recorded under other ones. */
export function bindIdentity(db: Db, path: string, identity: JournalIdentity): void {
  const recorded = recordedIdentity(db);
  if (recorded.mode === null && recorded.venue === null) {
    db.transaction(() => {
      write(db, 'mode', identity.mode);
      write(db, 'venue', identity.venue);
    })();
    return;
  }
  if (recorded.mode !== identity.mode || recorded.venue !== identity.venue) {
    throw new JournalMismatchError(
      `journal ${path} records ${recorded.mode ?? '?'} trading on ${recorded.venue ?? '?'}, but this run is ${identity.mode} on ${identity.venue}; ` +
        'use the default data directory of this mode and venue (leave journal.dataDir unset) or another journal.dataDir',
      { details: { path, recorded, current: identity } },
    );
  }
}

/** Records the exchange account on first contact; refuses another account's journal. */
export function bindAccount(db: Db, path: string, account: string): void {
  const recorded = read(db, 'account');
  if (recorded === null) {
    write(db, 'account', account);
    return;
  }
  if (recorded !== account) {
    throw new JournalMismatchError(
      `journal ${path} belongs to exchange account ${recorded}, but the API key is of account ${account}; use another journal.dataDir for this account`,
      { details: { path, recordedAccount: recorded, account } },
    );
  }
}
