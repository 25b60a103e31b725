import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { summarize } from '../../src/backtest/metrics.ts';
import { writeJson } from '../../src/backtest/summaryTable.ts';
import type { BacktestResults } from '../../src/backtest/types.ts';
import { writeHtmlReport } from '../../src/backtest/report/writeHtmlReport.ts';
import { syntheticRun } from '../support/backtestRun.ts';
import { launchChromium, skipBrowser } from './browser.ts';

/**
 * The backtest report end to end: a realistic run (180 days of 1h candles on 3 symbols,
 * hundreds of trades, daily-loss pauses and a halt) is summarized, written as JSON and as
 * HTML, and the HTML is opened from file:// in headless Chromium with every network request
 * refused. Every chart must be drawn (its canvases hold the series' colours), and the
 * figures on the page must equal the JSON file's.
 */
const ARTIFACTS = 'test-artifacts';

let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let json: BacktestResults;
const blocked: string[] = [];
const errors: string[] = [];
let htmlBytes = 0;

/** Pixels of a chart's canvases by colour family: the series are blue/red/green/orange, the grid, axes and logo grey. */
interface Pixels {
  readonly canvases: number;
  readonly minWidth: number;
  readonly blue: number;
  readonly red: number;
  readonly green: number;
  readonly orange: number;
}

async function pixels(selector: string): Promise<Pixels> {
  // A string expression: the test's tsconfig has no DOM types.
  return page.evaluate(`(() => {
    const canvases = [...document.querySelectorAll(${JSON.stringify(`${selector} canvas`)})];
    const out = { canvases: canvases.length, minWidth: Math.min(...canvases.map((c) => c.width)), blue: 0, red: 0, green: 0, orange: 0 };
    for (const c of canvases) {
      if (c.width === 0 || c.height === 0) continue;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) {
        const r = d[i], g = d[i + 1], b = d[i + 2], a = d[i + 3];
        if (a < 128) continue;
        if (b > r + 80 && b > g + 40) out.blue++;
        else if (r > g + 90 && r > b + 90 && g < 110) out.red++;
        else if (g > r + 60 && g > b + 40) out.green++;
        else if (r > b + 120 && g > b + 40 && r > g + 40) out.orange++;
      }
    }
    return out;
  })()`) as Promise<Pixels>;
}

describe.skipIf(skipBrowser)('backtest report end to end (headless Chromium, offline)', () => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-report-'));
    const { run, prices } = syntheticRun({ seed: 7, days: 180 });
    const results = summarize(run);
    writeJson(results, join(dir, 'r.json'));
    htmlBytes = writeHtmlReport(results, prices, join(dir, 'r.html')).bytes;
    json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as BacktestResults;

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, offline: true });
    // Only the file itself may load: anything else would mean the report needs a network.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
    });
    await page.goto(pathToFileURL(join(dir, 'r.html')).href);
    await page.waitForSelector('body[data-charts="ready"]', { timeout: 20_000 });
    // Let the charts paint their first frame (they draw on animation frames).
    await page.waitForTimeout(300);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('is a realistic run: hundreds of trades on 3 symbols with pauses and a halt, in one file of bounded size', () => {
    expect(json.trades.length).toBeGreaterThan(300);
    expect(new Set(json.trades.map((t) => t.symbol)).size).toBe(3);
    expect(json.portfolio.pauses).toBeGreaterThan(3);
    expect(json.portfolio.halts).toBe(1);
    expect(htmlBytes).toBeLessThan(2_500_000);
  });

  it('draws every chart: equity, drawdown and one price chart per symbol with trade markers', async () => {
    const equity = await pixels('#chart-equity');
    expect(equity.canvases).toBeGreaterThan(0);
    expect(equity.minWidth).toBeGreaterThan(0);
    expect(equity.blue).toBeGreaterThan(1_000);
    const drawdown = await pixels('#chart-drawdown');
    expect(drawdown.red).toBeGreaterThan(1_000);
    expect(await page.getAttribute('#chart-equity', 'data-points')).toBe(String(json.equityCurve.length));

    const symbols = json.data.map((d) => d.symbol);
    expect(await page.$$eval('.price .chart', (els) => els.map((e) => e.getAttribute('data-symbol')))).toEqual(symbols);
    for (const [i, symbol] of symbols.entries()) {
      const box = await page.locator(`#chart-price-${i}`).boundingBox();
      expect(box!.width).toBeGreaterThan(600);
      expect(box!.height).toBeGreaterThan(300);
      const p = await pixels(`#chart-price-${i}`);
      // Candles (green and red), long entries (blue), short entries (orange).
      expect(p.green, symbol).toBeGreaterThan(500);
      expect(p.red, symbol).toBeGreaterThan(500);
      expect(p.blue, symbol).toBeGreaterThan(20);
      expect(p.orange, symbol).toBeGreaterThan(20);
      const trades = json.trades.filter((t) => t.symbol === symbol).length;
      expect(await page.getAttribute(`#chart-price-${i}`, 'data-markers')).toBe(String(2 * trades));
      expect(Number(await page.getAttribute(`#chart-price-${i}`, 'data-points'))).toBeLessThanOrEqual(3_000);
    }
  });

  it('shows the headline figures of the JSON, exactly in data-value and rounded in the text', async () => {
    const kpis = await page.$$eval('#headline [data-key]', (els) => els.map((e) => ({ key: e.getAttribute('data-key')!, value: e.getAttribute('data-value')!, text: e.textContent! })));
    expect(kpis.map((k) => k.key)).toEqual([
      'netPnl', 'returnPct', 'endEquity', 'trades', 'winRatePct', 'profitFactor', 'expectancyR', 'sharpe', 'sortino',
      'maxDrawdownPct', 'maxDrawdownDurationMs', 'exposurePct', 'fees', 'funding', 'pauses', 'halts',
    ]);
    for (const k of kpis) {
      const expected = k.key === 'endEquity' ? json.endEquity : json.portfolio[k.key as keyof BacktestResults['portfolio']];
      expect(JSON.parse(k.value), k.key).toBe(expected);
      if (k.key === 'maxDrawdownDurationMs' || typeof expected !== 'number') continue;
      const shown = Number(k.text.replace(/[,%]/g, ''));
      expect(Math.abs(shown - expected), `${k.key}: ${k.text}`).toBeLessThanOrEqual(0.051);
    }
  });

  it('shows every row, month, factor histogram, pause and trade of the JSON', async () => {
    const rows = await page.$$eval('#by-preset-symbol tbody tr', (trs) =>
      trs.map((tr) => ({ preset: tr.getAttribute('data-preset'), symbol: tr.getAttribute('data-symbol'), values: [...tr.querySelectorAll('td[data-value]')].map((td) => td.getAttribute('data-value')) })),
    );
    expect(rows).toHaveLength(9);
    for (const [i, row] of rows.entries()) {
      const expected = json.byPresetSymbol[i]!;
      expect([row.preset, row.symbol]).toEqual([expected.presetId, expected.symbol]);
      const m = expected.metrics;
      expect(row.values.map((v) => JSON.parse(v!))).toEqual([
        m.trades, m.winRatePct, m.netPnl, m.returnPct, m.fees, m.funding, m.profitFactor, m.expectancyR, m.sharpe, m.sortino,
        m.maxDrawdownPct, m.maxDrawdownDurationMs, m.exposurePct, m.pauses, m.halts,
      ]);
    }
    const months = await page.$$eval('#monthly td[data-value][data-month]', (tds) => tds.map((td) => [td.getAttribute('data-month'), JSON.parse(td.getAttribute('data-value')!)]));
    expect(months).toEqual(json.monthlyReturns.map((m) => [m.month, m.returnPct]));

    const figures = await page.$$eval('figure.factor', (fs) =>
      fs.map((f) => ({ preset: f.getAttribute('data-preset'), n: Number(f.getAttribute('data-winners')) + Number(f.getAttribute('data-losers')), bars: [...f.querySelectorAll('rect')].filter((r) => Number(r.getAttribute('height')) > 0).length })),
    );
    expect(figures).toHaveLength(9);
    for (const f of figures) {
      expect(f.n).toBe(json.trades.filter((t) => t.presetId === f.preset).length);
      expect(f.bars).toBeGreaterThan(5);
    }
    expect(await page.locator('#pauses tbody tr').count()).toBe(json.pauses.length);
    expect(await page.locator('#trades tbody tr').count()).toBe(json.trades.length);
    const first = json.trades[0]!;
    expect(await page.locator('#trades tbody tr').first().getAttribute('data-seq')).toBe(String(first.seq));
  });

  it('needed no network and raised no error; screenshot saved', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/report-e2e.png`, fullPage: true });
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
  });
});
