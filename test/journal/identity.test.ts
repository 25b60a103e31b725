import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { withDeadline } from '../../src/exchange/deadlinePort.ts';
import { journalPath, openJournal, resolveDataDir } from '../../src/journal/openJournal.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { ExchangePort } from '../../src/ports/exchange.ts';
import { makeSim } from '../sim/simFixture.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * Finding 6: dry-run and live never share a journal. The data directory defaults to one
 * per mode and venue; the journal records mode, venue and exchange account and refuses a
 * run under any other.
 */
const silent = createLogger({ level: 'silent', pretty: 'never' });
function config(overrides: Record<string, unknown>, env: Record<string, string> = {}): AppConfig {
  const loaded = loadConfig({ env, overrides });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.config;
}
const LIVE_KEYS = { BYBIT_API_KEY: 'Ab12Cd34Ef56Gh78Ij', BYBIT_API_SECRET: 'Zq8Wx3Ty6Ui9Op2As5Df8Gh1Jk4Lz7Xc0Vb' };

const apps: AppHarness[] = [];
afterEach(async () => {
  for (const h of apps.splice(0)) await h.app.stop();
});

describe('journal per mode, venue and account', () => {
  it('the default data directory is per mode and venue (data/bybot.db is no longer shared)', () => {
    const cwd = '/srv/bybot';
    expect(resolveDataDir(config({}), cwd)).toBe('/srv/bybot/data/dry-run');
    expect(journalPath(config({}), cwd)).toBe('/srv/bybot/data/dry-run/bybot.db');
    expect(resolveDataDir(config({ exchange: { venue: 'local', restUrls: ['http://127.0.0.1:1'], wsUrl: 'ws://127.0.0.1:1', apiKey: 'k-local', apiSecret: 's-local' } }), cwd)).toBe('/srv/bybot/data/dry-run-local');
    expect(resolveDataDir(config({ mode: 'live', exchange: { venue: 'mainnet' } }, LIVE_KEYS), cwd)).toBe('/srv/bybot/data/live-mainnet');
    expect(resolveDataDir(config({ mode: 'live', exchange: { venue: 'testnet' } }, LIVE_KEYS), cwd)).toBe('/srv/bybot/data/live-testnet');
    expect(resolveDataDir(config({ mode: 'live', exchange: { venue: 'demo' } }, LIVE_KEYS), cwd)).toBe('/srv/bybot/data/live-demo');
    expect(resolveDataDir(config({ journal: { dataDir: 'elsewhere' } }), cwd)).toBe('/srv/bybot/elsewhere');
  });

  it('records mode and venue, and refuses to open the journal under another mode or venue', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bybot-identity-'));
    const live = config({ mode: 'live', exchange: { venue: 'testnet' }, journal: { dataDir } }, LIVE_KEYS);
    const journal = openJournal(live, silent)!;
    expect(journal.identity()).toEqual({ mode: 'live', venue: 'testnet', account: null });
    journal.close();
    expect(() => openJournal(config({ journal: { dataDir } }), silent)).toThrow(/records live trading on testnet, but this run is dry-run on simulator/);
    expect(() => openJournal(config({ mode: 'live', exchange: { venue: 'mainnet' }, journal: { dataDir } }, LIVE_KEYS), silent)).toThrow(expect.objectContaining({ code: 'JOURNAL_MISMATCH' }));
    // The lock was released: the right configuration still opens it.
    openJournal(live, silent)!.close();
  });

  it('a dry-run start on a live journal fails at journal.open with JOURNAL_MISMATCH', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bybot-identity-'));
    openJournal(config({ mode: 'live', exchange: { venue: 'mainnet' }, journal: { dataDir } }, LIVE_KEYS), silent)!.close();
    await expect(startTestApp({ journal: { dataDir } })).rejects.toMatchObject({ code: 'JOURNAL_MISMATCH', details: expect.objectContaining({ step: 'journal.open' }) });
  });

  it('records the exchange account at the first reconciliation and refuses to trade another account on it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bybot-identity-'));
    const { clock, sim } = makeSim();
    const accountOf = (id: string): ExchangePort => ({ ...withDeadline(sim.port, clock, 10_000), accountId: async () => id });
    const live = { mode: 'live', exchange: { transport: 'wire', venue: 'local', restUrls: ['http://127.0.0.1:9'], wsUrl: 'ws://127.0.0.1:9', apiKey: 'bybot-test-key-1', apiSecret: 'bybot-test-secret-0123456789' }, journal: { dataDir } };
    const first = await startTestApp(live, { clock, exchange: accountOf('1001') });
    apps.push(first);
    await first.run(60_000, 5_000);
    expect(first.app.runtime.reconciliation.done).toBe(true);
    await first.app.stop();
    apps.length = 0;

    const other = await startTestApp(live, { clock, exchange: accountOf('2002') });
    apps.push(other);
    await other.run(60_000, 5_000);
    expect(other.app.runtime.gate.current()).toBe('HALTED');
    expect(other.logs.some((l) => l.code === 'JOURNAL_MISMATCH' || String(l.reason ?? '').includes('belongs to exchange account 1001'))).toBe(true);
    const ready = await other.get('/ready');
    expect(ready.status).toBe(503);
    expect(other.logs.filter((l) => l.event === 'order_submitted')).toEqual([]);
  });
});
