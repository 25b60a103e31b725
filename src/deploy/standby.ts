import type { AppConfig } from '../../config/schema.ts';
import { BybotError, ERROR_CODES, toBybotError } from '../domain/errors.ts';
import { journalPath } from '../journal/openJournal.ts';
import { waitForWriterLock, writerLockHolder, type WriterLock } from '../journal/writerLock.ts';
import { Journal } from '../journal/journal.ts';
import type { Logger } from '../observability/logger.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import type { HealthMonitor } from '../runtime/health.ts';
import { removeInstanceFile, writeInstanceFile } from './instanceFiles.ts';
import { startStandbyServer } from './standbyServer.ts';
import type { ServiceView } from './systemd/serviceNotifier.ts';

/**
 * `npm start -- --standby`: everything a start does up to the journal (configuration,
 * secrets, exchange connection, the self-check, the API key's account against the
 * journal's), then the standby API on the configured port, `<db>.standby` for
 * `npm run deploy -- promote`, and the wait for the journal's writer lock. The active
 * instance releases it on a handover (or a stop; a crashed one leaves a stale lock, which
 * is taken over). Nothing trades before the lock is ours; the caller then opens the
 * journal, reconciles and starts the actors.
 */
export interface StandbyOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly health: HealthMonitor;
  readonly exchange: ExchangePort;
  readonly controlToken: string;
  readonly version: string;
  readonly codeDir: string;
  readonly signal?: AbortSignal;
  /** systemd sees the standby's state (READY=1 once prepared, STATUS=standby...). */
  readonly publish?: (view: () => ServiceView) => void;
}

export interface StandbyResult {
  readonly lock: WriterLock;
  readonly waitedMs: number;
  /** Wall ms the lock became ours. */
  readonly tookLockAt: number;
}

export async function runStandby(o: StandbyOptions): Promise<StandbyResult> {
  const { config, logger } = o;
  if (!config.journal.enabled) throw new BybotError(ERROR_CODES.STANDBY_FAILED, '--standby needs the journal (journal.enabled: true): its writer lock decides who trades', 'system', false);
  const dbPath = journalPath(config);
  await o.health.start();
  if (!o.health.exchangeStatus().ok) logger.warn({ event: 'self_check', exchange: o.health.exchangeStatus() }, 'standby self-check: the exchange does not answer yet');
  await checkAccount(o, dbPath);

  const since = Date.now();
  let holderPid: number | null = writerLockHolder(dbPath);
  const reasons = (): string[] => [
    holderPid === null ? 'waiting for the journal writer lock' : `waiting for the journal writer lock held by the active instance (pid ${holderPid}); POST /control/handover to it, or npm run deploy -- promote`,
  ];
  const server = await startStandbyServer(config, o.controlToken, () => ({ reasons: reasons(), holderPid, exchangeOk: o.health.exchangeStatus().ok, waitingSince: since }), o.version);
  o.publish?.(() => ({ role: 'standby', ready: false, halted: false, reasons: reasons(), healthy: true }));
  writeInstanceFile(dbPath, { role: 'standby', pid: process.pid, url: server.url, version: o.version, codeDir: o.codeDir, since });
  logger.info({ event: 'standby', url: server.url, journal: dbPath, holderPid, version: o.version }, `STANDBY on ${server.url}: connected and checked, waiting for the journal writer lock of ${dbPath}${holderPid ? ` (held by pid ${holderPid})` : ''}; not trading`);
  try {
    const lock = await waitForWriterLock(dbPath, {
      ...(o.signal ? { signal: o.signal } : {}),
      onHolder: (pid) => {
        holderPid = pid;
      },
    });
    const tookLockAt = Date.now();
    logger.warn({ event: 'standby_took_lock', wallTime: tookLockAt, waitedMs: tookLockAt - since, previousHolder: holderPid }, `standby: the journal writer lock is ours (the active instance pid ${holderPid ?? '?'} released it); reconciling, then trading`);
    return { lock, waitedMs: tookLockAt - since, tookLockAt };
  } finally {
    removeInstanceFile(dbPath, 'standby');
    await server.close();
  }
}

/** The key must be of the account the journal records (when it records one): a standby with another account's key never waits. */
async function checkAccount(o: StandbyOptions, dbPath: string): Promise<void> {
  if (!o.exchange.accountId) return;
  let recorded: string | null = null;
  try {
    const journal = Journal.open(dbPath, { readonly: true });
    recorded = journal.identity().account;
    journal.close();
  } catch (error) {
    // No journal yet (first start) is fine; a corrupt one fails when it is opened for writing.
    o.logger.debug({ event: 'standby_journal_peek', err: toBybotError(error).message }, 'standby: journal not readable yet');
  }
  if (recorded === null) return;
  const account = await o.exchange.accountId();
  if (account !== recorded) {
    throw new BybotError(ERROR_CODES.STANDBY_FAILED, `the API key is of exchange account ${account}, but the journal ${dbPath} belongs to account ${recorded}: this standby could never take over`, 'system', false);
  }
}
