import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * The portfolio book in the running bot (dry-run, built-in simulator): GET /portfolio shows
 * the budgets, rebalances are journaled with their inputs (migration 4) and counted in
 * /metrics; the defaults keep it off.
 */
let h: AppHarness;
beforeAll(async () => {
  h = await startTestApp({
    portfolio: { allocation: { mode: 'riskParity' }, lookbackDays: 1, rebalance: { checkMs: 3_600_000, everyMs: 3_600_000 } },
    risk: { maxCorrelatedExposurePct: 150 },
  });
  await h.run(3 * 3_600_000, 5_000);
}, 120_000);
afterAll(async () => {
  await h?.app.stop();
});

interface PortfolioBody {
  enabled: boolean;
  mode: string;
  equity: number | null;
  rebalances: number;
  presets: { presetId: string; weight: number; budget: number | null; used: number; free: number | null; sleeves: { symbol: string; weight: number; budget: number | null }[] }[];
  correlations: { threshold: number; symbols: string[]; matrix: (number | null)[][] } | null;
  lastRebalance: { at: string; reason: string; weights: Record<string, number>; inputs: { volatility?: Record<string, number> } } | null;
}

describe('GET /portfolio and the rebalance journal', () => {
  it('shows budgets per preset and sleeve, correlations and the last rebalance with its inputs', async () => {
    const r = await h.get('/portfolio');
    expect(r.status).toBe(200);
    const body = r.body as PortfolioBody;
    expect(body).toMatchObject({ enabled: true, mode: 'riskParity' });
    expect(body.rebalances).toBeGreaterThanOrEqual(3);
    expect(body.presets.map((p) => p.presetId)).toEqual(['range-v1', 'mtf-v1', 'vwap-v1']);
    const total = body.presets.reduce((s, p) => s + p.weight, 0);
    expect(total).toBeCloseTo(1, 9);
    for (const p of body.presets) {
      expect(p.sleeves.map((s) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
      if (body.equity !== null) expect(p.budget).toBeCloseTo(p.weight * body.equity, 6);
      expect(p.free).not.toBeNull();
    }
    expect(body.correlations!.symbols).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    expect(body.correlations!.matrix[0]![0]).toBe(1);
    expect(body.lastRebalance!.at).toMatch(/T0\d:00:00\.000Z$/);
    expect(Object.keys(body.lastRebalance!.inputs.volatility!)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
  });

  it('journals every rebalance with its inputs and counts them in /metrics', async () => {
    const db = new Database(join(h.app.dataDir, h.app.config.journal.file), { readonly: true });
    const rows = db.prepare('SELECT at, reason, mode, weights, sleeves, inputs FROM portfolio_rebalances ORDER BY id').all() as { at: number; reason: string; mode: string; weights: string; sleeves: string; inputs: string }[];
    db.close();
    const body = (await h.get('/portfolio')).body as PortfolioBody;
    expect(rows.length).toBe(body.rebalances);
    expect(rows[0]).toMatchObject({ reason: 'initial', mode: 'riskParity' });
    expect(rows.slice(1).every((row) => row.reason === 'schedule' && row.at % 3_600_000 === 0)).toBe(true);
    expect(Object.keys(JSON.parse(rows[0]!.sleeves) as object)).toContain('BTCUSDT:range-v1');
    expect(JSON.parse(rows.at(-1)!.inputs)).toHaveProperty('volatility.BTCUSDT');
    const metrics = (await h.get('/metrics')).text;
    expect(metrics).toMatch(/bybot_portfolio_rebalances_total\{reason="schedule"\} \d+/);
    expect(metrics).toMatch(/bybot_portfolio_budget_ratio\{strategy="range-v1"\} 0\.\d+/);
  });
});
