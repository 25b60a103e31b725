import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import type { DashboardFrame } from '../../src/dashboard/frame.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';
import { launchChromium, skipBrowser } from './browser.ts';

/**
 * GitHub issue 11: /dashboard in headless Chromium, served by the bot and fed over its
 * WebSocket while the bot trades over the Bybit wire protocol (so the market-data cache is
 * in use). Every panel shows the figures the server computed: latency percentiles per
 * strategy, memory, cache rates, factor distributions, equity and PnL, positions with
 * their stops, active alerts, the strategy comparison and the portfolio allocation (issue 16:
 * budgets, used, free, correlations, last rebalance, as GET /portfolio shows them).
 */
const ARTIFACTS = 'test-artifacts';
let h: AppHarness | undefined;
let browser: Browser | undefined;
let page: Page;
/** The frames the bot broadcast, received by the test itself on the same WebSocket. */
const broadcast: DashboardFrame[] = [];
let listener: WebSocket | undefined;

/** The frame the page shows now (every client receives the same frames). */
async function shownFrame(): Promise<DashboardFrame> {
  const wallTime = Number(await evaluate<string>('document.body.dataset.wallTime'));
  const frame = broadcast.find((f) => f.wallTime === wallTime);
  if (!frame) throw new Error(`frame ${wallTime} was not broadcast to the test`);
  return frame;
}

const evaluate = <T>(script: string): Promise<T> => page.evaluate(script) as Promise<T>;
const frames = () => evaluate<number>('Number(document.body.dataset.frames ?? 0)');

async function runWithFrames(simulatedMs: number, stepMs: number, framesWanted: number): Promise<void> {
  const start = await frames();
  for (let elapsed = 0; elapsed < simulatedMs; elapsed += stepMs) await h!.run(stepMs, stepMs, 3);
  while ((await frames()) < start + framesWanted) await page.waitForTimeout(200);
}

describe.skipIf(skipBrowser)('dashboard end to end (headless Chromium)', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    h = await startTestApp({
      log: { level: 'silent' },
      exchange: { transport: 'wire' },
      // The Portfolio panel: budgets per preset, correlations (measured with a correlation limit) and rebalances every hour.
      portfolio: { allocation: { mode: 'riskParity' }, lookbackDays: 1, rebalance: { checkMs: 3_600_000, everyMs: 3_600_000 } },
      risk: { maxCorrelatedExposurePct: 150 },
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1300 } });
    listener = new WebSocket(`${h.app.url.replace('http', 'ws')}/dashboard/ws`);
    listener.on('message', (data) => broadcast.push(JSON.parse(String(data)) as DashboardFrame));
  }, 30_000);

  afterAll(async () => {
    listener?.close();
    await browser?.close();
    await h?.app.stop();
  });

  it('shows every panel live, with the figures the bot computed', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${h!.app.url}/dashboard`);
    await page.waitForSelector('#conn[data-status="live"]');
    await runWithFrames(3 * 60 * 60_000, 5_000, 3);

    expect(await page.locator('#mode').innerText()).toContain('DRY-RUN');
    expect(await page.locator('#trading').innerText()).toBe('ACTIVE');

    // Pause the page (no new frame is applied) and compare it with the frame it shows.
    await page.evaluate('window.__pause = true');
    await page.waitForTimeout(300);
    const frame = await shownFrame();
    // Latency: one row and a p50/p95/p99 line per strategy, matching the server's percentiles.
    const latencyRows = await page.locator('#latency tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(latencyRows.sort()).toEqual(['mtf-v1', 'range-v1', 'vwap-v1']);
    for (const l of frame.latency) {
      expect(l.samples).toBeGreaterThan(10);
      const p95 = Number(await page.locator(`#latency tr[data-key="${l.strategy}"] td:nth-child(4)`).getAttribute('data-value'));
      expect(p95).toBeGreaterThan(0);
      expect(p95).toBeCloseTo(l.p95Ms!, 6);
      expect(await page.locator(`svg[data-chart="latency"] path.series[data-series="${l.strategy} p95"]`).count()).toBe(1);
    }
    expect(Number(await page.locator('svg[data-chart="latency"] path.series').first().getAttribute('data-points'))).toBeGreaterThanOrEqual(3);
    expect(await page.locator('svg[data-chart="latency"] path.threshold').count()).toBe(1);

    // Memory and heap over time; the cache's hit/miss/stale rates and totals.
    expect(Number(await page.locator('#v-rss').getAttribute('data-value'))).toBeGreaterThan(20);
    expect(Number(await page.locator('#v-heap').getAttribute('data-value'))).toBeGreaterThan(5);
    expect(await page.locator('svg[data-chart="memory"] path.series[data-series="RSS"]').count()).toBe(1);
    expect(await page.locator('svg[data-chart="cache"] path.series[data-series="hit/s"]').count()).toBe(1);
    const totals = await page.locator('#v-cache-totals').innerText();
    expect(totals).toMatch(/miss [1-9]\d*/);

    // Factor distributions: three factors x ten bins per strategy that signalled, counts as the server has them.
    expect(frame.factors.length).toBeGreaterThan(0);
    for (const s of frame.factors) {
      const bars = page.locator(`svg.factors[data-strategy="${s.strategy}"] rect.bar`);
      expect(await bars.count()).toBe(30);
      const counts = await bars.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-count'))));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(s.factors.reduce((n, f) => n + f.bins.reduce((a, b) => a + b, 0), 0));
    }

    // Account, positions with their stops, strategy comparison.
    expect(Number(await page.locator('#kpi-equity').getAttribute('data-value'))).toBeCloseTo(frame.account.equity!, 6);
    expect(await page.locator('#positions tbody tr[data-key]').count()).toBe(frame.positions.length);
    for (const p of frame.positions) {
      expect(Number(await page.locator(`#positions tr[data-key="${p.symbol}"] td:nth-child(5)`).getAttribute('data-value'))).toBe(p.stopLoss);
    }
    const presets = frame.presets;
    expect(presets.reduce((n, p) => n + p.trades, 0)).toBeGreaterThan(0);
    for (const p of presets) {
      const row = `#presets tr[data-key="${p.preset}"]`;
      expect(Number(await page.locator(`${row} td:nth-child(4)`).getAttribute('data-value'))).toBe(p.signals);
      expect(Number(await page.locator(`${row} td:nth-child(5)`).getAttribute('data-value'))).toBe(p.trades);
      expect(Number(await page.locator(`${row} td:nth-child(7)`).getAttribute('data-value'))).toBeCloseTo(p.netPnl, 6);
    }

    // Portfolio: per preset the weight, budget, used and free of the frame (GET /portfolio's figures), the correlation matrix, the last rebalance.
    const portfolio = frame.portfolio!;
    expect(portfolio).toMatchObject({ enabled: true, mode: 'riskParity' });
    expect(portfolio.presets.map((p) => p.presetId)).toEqual(['range-v1', 'mtf-v1', 'vwap-v1']);
    for (const p of portfolio.presets) {
      const row = `#portfolio tr[data-key="${p.presetId}"]`;
      expect(Number(await page.locator(`${row} td:nth-child(2)`).getAttribute('data-value'))).toBeCloseTo(p.weight!, 9);
      expect(Number(await page.locator(`${row} td:nth-child(3)`).getAttribute('data-value'))).toBeCloseTo(p.budget!, 6);
      expect(Number(await page.locator(`${row} td:nth-child(4)`).getAttribute('data-value'))).toBeCloseTo(p.used, 6);
      expect(Number(await page.locator(`${row} td:nth-child(5)`).getAttribute('data-value'))).toBeCloseTo(p.free!, 6);
    }
    expect(portfolio.presets.reduce((a, p) => a + p.weight!, 0)).toBeCloseTo(1, 9);
    const symbols = portfolio.correlations!.symbols;
    expect(symbols).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    expect(await page.locator('#correlations thead th').allInnerTexts()).toEqual([`correlation (>= ${portfolio.correlations!.threshold})`, ...symbols]);
    for (const [i, s] of symbols.entries()) {
      const cells = await page.locator(`#correlations tr[data-key="${s}"] td`).evaluateAll((tds) => tds.slice(1).map((td) => td.getAttribute('data-value')));
      expect(cells).toEqual(portfolio.correlations!.matrix[i]!.map((v) => (v === null ? '' : String(v))));
    }
    expect(portfolio.lastRebalance!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/);
    expect(await page.locator('#v-rebalance-at').innerText()).toBe(portfolio.lastRebalance!.at);
    expect(await page.locator('#v-rebalance-mode').innerText()).toBe('riskParity');
    expect(await page.locator('#v-rebalance-reason').innerText()).toBe(portfolio.lastRebalance!.reason);
    expect(['initial', 'schedule']).toContain(portfolio.lastRebalance!.reason);
    expect(Number(await page.locator('#v-rebalances').getAttribute('data-value'))).toBe(portfolio.rebalances);

    await page.evaluate('window.__pause = false');
    // An alert appears as soon as it fires (an operator halt: P1), and leaves once resolved.
    expect((await h!.post('/control/halt', { reason: 'dashboard test' })).status).toBe(202);
    await runWithFrames(10_000, 5_000, 2);
    await page.waitForSelector('#alerts li[data-priority="P1"][data-key="escalation:halt"]');
    expect(await page.locator('#trading').getAttribute('data-state')).toBe('HALTED');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-e2e.png`, fullPage: true });
    expect((await h!.post('/control/resume', {})).status).toBe(202);
    await runWithFrames(10_000, 5_000, 2);
    await page.waitForSelector('#alerts li[data-key="escalation:halt"]', { state: 'detached' });
    expect(errors).toEqual([]);
  }, 90_000);
});
