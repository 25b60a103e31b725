import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.ts';
import { readRebalances, type RebalanceRecord } from '../../src/journal/rebalances.ts';
import { resizeOrderLinkId } from '../../src/core/portfolio/resize.ts';

/** Rebalances in the journal: migration 6 keeps the reductions a rebalance decided (portfolio.resizeOpen). */
const at = Date.UTC(2026, 0, 2);
const base: RebalanceRecord = { at, reason: 'schedule', mode: 'performance', weights: { a: 0.2, b: 0.8 }, sleeves: { 'BTCUSDT:a': 0.2, 'BTCUSDT:b': 0.8 }, previous: { a: 0.5, b: 0.5 }, inputs: { scores: { a: -0.1, b: 0.3 } } };

describe('portfolio_rebalances', () => {
  it('stores a rebalance with its reductions and one without (resized NULL), and reads them back', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bybot-rebal-')), 'journal.sqlite');
    const j = Journal.open(path, { allowNew: true });
    const resized = [{ symbol: 'BTCUSDT', presetId: 'a', side: 'Sell' as const, qty: 0.02, positionSize: 0.05, closesAll: false, budget: 2_000, used: 3_300, orderLinkId: resizeOrderLinkId('a', 'BTCUSDT', at, 'Sell') }];
    j.recordRebalance({ ...base, resized });
    j.recordRebalance({ ...base, at: at + 3_600_000 });
    j.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT resized FROM portfolio_rebalances ORDER BY id').all() as { resized: string | null }[];
    expect(rows.map((r) => r.resized === null)).toEqual([false, true]);
    const back = readRebalances(db, 10);
    db.close();
    expect(back[0]).toEqual({ ...base, resized });
    expect(back[1]).toEqual({ ...base, at: at + 3_600_000 });
  });
});
