import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, readFileSync, statSync, writeSync, closeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.ts';
import { JournalCorruptError } from '../../src/journal/errors.ts';
import { MIGRATIONS } from '../../src/journal/migrations.ts';
import { closedTrades, tradesToCsv, type FillRow } from '../../src/journal/tradeCsv.ts';
import type { Execution } from '../../src/domain/types.ts';
import type { EntryOrder } from '../../machines/strategy.types.ts';
import { startTestApp } from '../support/appHarness.ts';
import { cleanEnv } from '../support/childEnv.ts';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const tmp = () => mkdtempSync(join(tmpdir(), 'bybot-journal-'));

const order = (link: string): EntryOrder =>
  ({
    actorId: 'BTCUSDT:range-v1',
    symbol: 'BTCUSDT',
    presetId: 'range-v1',
    strategyType: 'range',
    correlationId: 'BTCUSDT:range-v1#x.1',
    orderLinkId: link,
    candleStart: 0,
    entry: { allowed: true, side: 'Buy', qty: 0.01, entryPrice: 60_000, stopLoss: 59_000, takeProfit: 62_000, leverage: 1, notional: 600, riskAmount: 10, rewardRisk: 2, cappedBy: [], reason: '' },
    signal: { score: 0.8, factors: { rangeQuality: 1, edgeProximity: 0.7, momentum: 0.6 }, mode: 'full' },
  }) as EntryOrder;

const exec = (id: string, link: string, side: 'Buy' | 'Sell', price: number, qty: number, time: number, closedSize = 0, stopOrderType = 'Trade'): Execution => ({
  execId: id,
  orderId: `o-${id}`,
  orderLinkId: link,
  symbol: 'BTCUSDT',
  side,
  execPrice: price,
  execQty: qty,
  execFee: price * qty * 0.00055,
  isMaker: false,
  execTime: time,
  closedSize,
  stopOrderType,
});

function filledJournal(path: string): Journal {
  const j = Journal.open(path);
  j.intent(order('bb1-a'), 1);
  j.submitted(order('bb1-a'), { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'bb1-a' }, 0, 2);
  j.outcome(order('bb1-a'), { orderId: 'o-1', orderLinkId: 'bb1-a', status: 'Filled', filledQty: 0.01, avgPrice: 60_010, adopted: false }, 3);
  j.recordFills([exec('e1', 'bb1-a', 'Buy', 60_010, 0.01, 3), exec('e2', '', 'Sell', 61_000, 0.01, 10, 0.01, 'TakeProfit')], 11);
  return j;
}

describe('journal (SQLite)', () => {
  it('migrates to the current schema in WAL mode and keeps data across reopen', () => {
    const path = join(tmp(), 'j.db');
    const j = filledJournal(path);
    expect(j.schemaVersion()).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    j.close();
    const again = Journal.open(path);
    expect(again.counts()).toMatchObject({ orders: 1, fills: 2, order_events: 5 });
    expect(again.verify()).toMatchObject({ ok: true, orderEvents: 5 });
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    again.close();
  });

  it('remembers a daily-loss pause until its 00:00 UTC, unless it ended or an operator resumed', () => {
    const j = Journal.open(':memory:');
    const day = Date.UTC(2026, 0, 5);
    const rec = (kind: 'daily_loss_pause' | 'daily_loss_pause_end' | 'resumed', at: number) =>
      j.recordEscalation({ level: 'system', kind, reason: kind, code: 'DAILY_LOSS_LIMIT', at, correlationId: `c${at}` });
    expect(j.activePause(day)).toBeNull();
    rec('daily_loss_pause', day + 10 * 3_600_000);
    expect(j.activePause(day + 11 * 3_600_000)).toMatchObject({ at: day + 10 * 3_600_000, until: day + 86_400_000 });
    expect(j.activePause(day + 86_400_000)).toBeNull();
    rec('daily_loss_pause_end', day + 86_400_000);
    expect(j.activePause(day + 11 * 3_600_000)).toBeNull();
    rec('daily_loss_pause', day + 30 * 3_600_000);
    rec('resumed', day + 31 * 3_600_000);
    expect(j.activePause(day + 32 * 3_600_000)).toBeNull();
    j.close();
  });

  it('records each fill once (execId), whatever the number of syncs', () => {
    const j = filledJournal(':memory:');
    expect(j.recordFills([exec('e1', 'bb1-a', 'Buy', 60_010, 0.01, 3), exec('e3', 'bb1-b', 'Buy', 60_000, 0.02, 20)], 21)).toBe(1);
    expect(j.counts().fills).toBe(3);
  });

  it('detects an order event edited out of band (checksum chain) and refuses to open', () => {
    const path = join(tmp(), 'j.db');
    filledJournal(path).close();
    const db = new Database(path);
    db.prepare(`UPDATE order_events SET detail = '{"status":"Cancelled"}' WHERE kind = 'outcome'`).run();
    db.close();
    expect(() => Journal.open(path)).toThrow(JournalCorruptError);
    expect(() => Journal.open(path)).toThrow(/checksum chain at event id 3/);
  });

  it('records the market regime of each signal (migration 3)', () => {
    const path = join(tmp(), 'j.db');
    const j = filledJournal(path);
    const base = { action: 'long', mode: 'full', score: 0.5, factors: { a: 1, b: 0, c: 0 }, price: 1, stopLoss: 0.9, takeProfit: 1.2, reason: 'r', strategyId: 'range-v1', strategyType: 'range', symbol: 'BTCUSDT' } as const;
    j.recordSignal(1, 'BTCUSDT:range-v1', 'c', { ...base, candleStart: 1, regime: 'ranging' });
    j.recordSignal(2, 'BTCUSDT:range-v1', 'c', { ...base, candleStart: 2 });
    j.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT candle_start, regime FROM signals ORDER BY candle_start').all()).toEqual([
      { candle_start: 1, regime: 'ranging' },
      { candle_start: 2, regime: null },
    ]);
    db.close();
  });

  it('fsyncs the order intent; the order events after it, which reconciliation restores from the exchange, commit without (NORMAL)', () => {
    const path = join(tmp(), 'j.db');
    const j = Journal.open(path);
    const db = (j as unknown as { db: Database.Database }).db;
    // Every order event goes through this statement: the level in force while it is written.
    const internals = j as unknown as { insertEvent: Database.Statement };
    const statement = internals.insertEvent;
    const seen: string[] = [];
    internals.insertEvent = { run: (...args: unknown[]) => (seen.push(`${String(args[2])}:${String(db.pragma('synchronous', { simple: true }))}`), statement.run(...args)) } as unknown as Database.Statement;
    const placed = { orderId: 'o1', status: 'New', filledQty: 0, avgPrice: 0, adopted: false };
    j.intent(order('bb1-a'), 1);
    j.submitted(order('bb1-a'), { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: 0.01, orderLinkId: 'bb1-a' } as never, 1, 2);
    j.outcome(order('bb1-a'), placed as never, 3);
    j.orderUpdate({ orderLinkId: 'bb1-a', orderId: 'o1', status: 'Filled', cumExecQty: 0.01, avgPrice: 60_010 }, 4);
    j.recordFills([exec('e1', 'bb1-a', 'Buy', 60_010, 0.01, 4)], 5);
    j.protection('BTCUSDT', 'stop_set', 'sl 59000', 6);
    j.intent(order('bb1-b'), 7);
    j.failed(order('bb1-b'), 'E', 'rejected', 8);
    j.intent(order('bb1-c'), 9);
    j.markUnsentIntents('shutdown', 10);
    internals.insertEvent = statement;
    // 2 = FULL, 1 = NORMAL.
    expect(seen).toEqual(['intent:2', 'submitted:1', 'outcome:1', 'stream_update:1', 'fill:1', 'stop_set:1', 'intent:2', 'failed:1', 'intent:2', 'not_sent:2']);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(j.verify().ok).toBe(true);
    j.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT order_link_id, status FROM orders ORDER BY order_link_id').all()).toEqual([
      { order_link_id: 'bb1-a', status: 'Filled' },
      { order_link_id: 'bb1-b', status: 'Failed' },
      { order_link_id: 'bb1-c', status: 'NotSent' },
    ]);
    check.close();
  });

  it('commits observation rows without an fsync (synchronous NORMAL) and goes back to FULL for everything else', () => {
    const path = join(tmp(), 'j.db');
    const j = Journal.open(path);
    const db = (j as unknown as { db: Database.Database }).db;
    const seen: number[] = [];
    const base = { action: 'long', mode: 'full', score: 0.5, factors: { a: 1 }, price: 1, stopLoss: 0.9, takeProfit: 1.2, reason: 'r', strategyId: 'range-v1', strategyType: 'range', symbol: 'BTCUSDT' } as const;
    // The level in force while the rows are written, read from inside the transaction.
    const insert = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      if (sql.startsWith('INSERT INTO signals')) seen.push(db.pragma('synchronous', { simple: true }) as number);
      return insert(sql);
    }) as typeof db.prepare;
    j.recordObservations([{ kind: 'signal', at: 1, actor: 'BTCUSDT:range-v1', correlationId: 'c', signal: { ...base, candleStart: 1 } }]);
    db.prepare = insert;
    expect(seen).toEqual([1]);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    j.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) AS n FROM signals').get()).toEqual({ n: 1 });
    check.close();
  });

  it('detects a damaged database file (PRAGMA integrity_check / not a database)', () => {
    const path = join(tmp(), 'j.db');
    const j = filledJournal(path);
    for (let i = 0; i < 200; i++) j.recordSignal(i, 'BTCUSDT:range-v1', 'c', { action: 'long', mode: 'full', score: 0.5, factors: { a: 1, b: 0, c: 0 }, price: 1, stopLoss: 0.9, takeProfit: 1.2, reason: 'x'.repeat(200), strategyId: 'range-v1', strategyType: 'range', symbol: 'BTCUSDT', candleStart: i } as never);
    j.close();
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, Math.floor(size / 2 / 4096) * 4096);
    writeSync(fd, Buffer.alloc(100, 0xcd), 0, 100, 0);
    closeSync(fd);
    expect(() => Journal.open(path)).toThrow(JournalCorruptError);
  });

  it('backs up online to a file that passes its own integrity check', async () => {
    const dir = tmp();
    const j = filledJournal(join(dir, 'j.db'));
    await j.backup(join(dir, 'b', 'copy.db'));
    const copy = Journal.open(join(dir, 'b', 'copy.db'), { readonly: true });
    expect(copy.verify()).toMatchObject({ ok: true, orderEvents: 5 });
    expect(copy.counts()).toEqual(j.counts());
    copy.close();
    j.close();
  });

  it('retention removes old analysis rows but keeps orders, fills and the chain', () => {
    const j = filledJournal(':memory:');
    j.recordRiskDecision({ at: 5, actor: 'a', symbol: 'BTCUSDT', correlationId: 'c', allowed: false, code: 'SCORE_TOO_LOW', reason: 'r' });
    j.recordRiskDecision({ at: 500, actor: 'a', symbol: 'BTCUSDT', correlationId: 'c', allowed: false, code: 'SCORE_TOO_LOW', reason: 'r' });
    expect(j.prune(100)).toMatchObject({ risk_decisions: 1 });
    expect(j.counts()).toMatchObject({ risk_decisions: 1, orders: 1, fills: 2, order_events: 5 });
    expect(j.verify().ok).toBe(true);
  });
});

describe('closed trades (trade_journal.csv)', () => {
  it('one row per position from flat to flat, with VWAP prices, fees and the strategy', () => {
    const fills: FillRow[] = [
      { execId: '1', orderLinkId: 'bb1-a', symbol: 'BTCUSDT', side: 'Buy', price: 100, qty: 1, fee: 0.1, execTime: 1, closedSize: 0, stopOrderType: 'Trade' },
      { execId: '2', orderLinkId: 'bb1-b', symbol: 'BTCUSDT', side: 'Buy', price: 110, qty: 1, fee: 0.1, execTime: 2, closedSize: 0, stopOrderType: 'Trade' },
      { execId: '3', orderLinkId: '', symbol: 'BTCUSDT', side: 'Sell', price: 120, qty: 2, fee: 0.2, execTime: 3, closedSize: 2, stopOrderType: 'TakeProfit' },
      { execId: '4', orderLinkId: 'bb1-c', symbol: 'ETHUSDT', side: 'Sell', price: 50, qty: 2, fee: 0.05, execTime: 4, closedSize: 0, stopOrderType: 'Trade' },
      { execId: '5', orderLinkId: '', symbol: 'ETHUSDT', side: 'Buy', price: 52, qty: 2, fee: 0.05, execTime: 5, closedSize: 2, stopOrderType: 'StopLoss' },
      { execId: '6', orderLinkId: 'bb1-d', symbol: 'BTCUSDT', side: 'Buy', price: 130, qty: 1, fee: 0.1, execTime: 6, closedSize: 0, stopOrderType: 'Trade' },
    ];
    const trades = closedTrades(fills, new Map([['bb1-a', { strategy: 'range-v1', correlationId: 'c1' }]]));
    expect(trades).toHaveLength(2); // the last BTC position is still open
    expect(trades[0]).toMatchObject({ symbol: 'BTCUSDT', strategy: 'range-v1', side: 'Long', qty: 2, entryPrice: 105, exitPrice: 120, exitReason: 'TakeProfit', grossPnl: 30, fees: 0.4, netPnl: 29.6 });
    expect(trades[1]).toMatchObject({ symbol: 'ETHUSDT', side: 'Short', grossPnl: -4, exitReason: 'StopLoss', strategy: 'unknown' });
    const csv = tradesToCsv(trades).split('\n');
    expect(csv[0]).toBe('symbol,strategy,side,qty,entry_time,entry_price,exit_time,exit_price,exit_reason,gross_pnl,fees,net_pnl,order_link_id,correlation_id');
    expect(csv[1]).toBe('BTCUSDT,range-v1,Long,2,1970-01-01T00:00:00.001Z,105,1970-01-01T00:00:00.003Z,120,TakeProfit,30,0.4,29.6,bb1-a,c1');
  });
});

describe('journal on a dry-run database, end to end', () => {
  it('a run leaves a journal; export csv and backup work; a corrupted copy makes npm start refuse to trade', async () => {
    const h = await startTestApp();
    await h.run(6 * 3_600_000, 5_000);
    await h.app.stop();
    const dataDir = h.app.config.journal.dataDir;
    const db = join(dataDir, 'bybot.db');
    // The caller's BYBOT_* settings (e.g. BYBOT_SKIP_BROWSER of the test run) are not configuration keys.
    const clean = cleanEnv();
    const env = { ...clean, BYBOT_JOURNAL_DATA_DIR: dataDir };

    const csvPath = join(dataDir, 'trade_journal.csv');
    const exported = spawnSync(tsx, [join(root, 'src/journal/cli.ts'), 'export', 'csv', '--out', csvPath], { env, encoding: 'utf8' });
    expect(exported.status).toBe(0);
    const summary = JSON.parse(exported.stdout) as { trades: number };
    expect(summary.trades).toBeGreaterThan(0);
    expect(readFileSync(csvPath, 'utf8').trim().split('\n')).toHaveLength(summary.trades + 1);

    const backup = spawnSync(tsx, [join(root, 'src/journal/cli.ts'), 'backup', '--out', join(dataDir, 'backup.db')], { env, encoding: 'utf8' });
    expect(backup.status).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ integrity: 'ok' });

    // A corrupted copy: the bot must refuse to start trading on it, naming the problem.
    const badDir = tmp();
    copyFileSync(db, join(badDir, 'bybot.db'));
    const fd = openSync(join(badDir, 'bybot.db'), 'r+');
    writeSync(fd, Buffer.alloc(64, 0xee), 0, 64, 0);
    closeSync(fd);
    const start = spawnSync(tsx, [join(root, 'src/main.ts'), '--port', '0', '--duration', '5s'], {
      env: { ...clean, BYBOT_JOURNAL_DATA_DIR: badDir, BYBOT_LOG_PRETTY: 'never' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(start.status).toBe(1);
    expect(start.stdout + start.stderr).toMatch(/JOURNAL_CORRUPT|is corrupt/);
    expect(start.stdout).not.toContain('"event":"order"');
    const verify = spawnSync(tsx, [join(root, 'src/journal/cli.ts'), 'verify', '--db', join(badDir, 'bybot.db')], { env, encoding: 'utf8' });
    expect(verify.status).toBe(1);
    expect(existsSync(join(badDir, 'bybot.db'))).toBe(true);
  }, 120_000);
});
