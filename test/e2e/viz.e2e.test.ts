import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { STRATEGY_STATES } from '../../machines/strategy.types.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';
import { launchChromium, skipBrowser } from './browser.ts';

/**
 * GitHub issue 6, end to end: the bot serves /viz, headless Chromium draws the statecharts
 * from the machine definitions and follows one actor live over the WebSocket while the
 * simulation runs, through a forced fault that breaks it.
 */
const ACTOR = 'BTCUSDT:range-v1';
const ROW = `.actor[data-actor-id="${ACTOR}"]`;
const ARTIFACTS = 'test-artifacts';

let h: AppHarness | undefined;
let browser: Browser | undefined;
let page: Page;

/** What the page shows for the actor: its row's state and the state highlighted in the strategy chart. */
async function shown(): Promise<{ row: string | null; chart: string | null }> {
  // A string expression: the test's tsconfig has no DOM types.
  return page.evaluate(`({
    row: document.querySelector(${JSON.stringify(ROW)})?.getAttribute('data-state') ?? null,
    chart: document.querySelector('svg.chart[data-machine="strategy"] g.state.current')?.getAttribute('data-state') ?? null,
  })`) as Promise<{ row: string | null; chart: string | null }>;
}

/** Advances simulated time in chunks, leaving real time for a batch (250 ms) to reach the page, until `done`. */
async function runUntil(done: (s: { row: string | null; chart: string | null }) => boolean, chunkMs: number, maxMs: number, stepMs: number) {
  let last = await shown();
  for (let elapsed = 0; elapsed < maxMs && !done(last); elapsed += chunkMs) {
    await h!.run(chunkMs, stepMs);
    await page.waitForTimeout(300);
    last = await shown();
  }
  return last;
}

describe.skipIf(skipBrowser)('visualiser end to end (headless Chromium)', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    h = await startTestApp({ log: { level: 'silent' } });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await h?.app.stop();
  });

  it('draws the strategy statechart, follows an actor live and shows it broken after a forced fault', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${h!.app.url}/viz`);

    // The statechart comes from the machine definition: every state, and the always edges.
    await page.waitForSelector('svg.chart[data-machine="strategy"] g.state');
    const drawn = await page.$$eval('svg.chart[data-machine="strategy"] g.state', (gs) => gs.map((g) => g.getAttribute('data-state')));
    expect(drawn.sort()).toEqual([...STRATEGY_STATES].sort());
    expect(await page.locator('svg.chart g.edge.eventless[data-source="strategy.validating"][data-target="strategy.signalling"]').count()).toBe(1);
    expect(await page.locator('svg.chart g.edge.delayed[data-source="strategy.cooldown"]').count()).toBe(1);

    // The actor tree from the WebSocket snapshot; clicking an actor highlights its state.
    await page.waitForSelector(ROW);
    expect(await page.locator('.actor').count()).toBe(9);
    await page.click(ROW);
    await page.waitForSelector(`#detail[data-actor-id="${ACTOR}"]`);
    const before = await shown();
    expect(before.chart).toBe(before.row);

    const moved = await runUntil((s) => s.row !== before.row, 10_000, 10 * 60_000, 1_000);
    expect(moved.row).not.toBe(before.row);
    expect(moved.chart).toBe(moved.row);

    // Take the simulated exchange down: failures open the breaker, the actor is broken.
    expect((await h!.post('/simulator/faults', { down: true })).status).toBe(200);
    const broken = await runUntil((s) => s.row === 'broken' && s.chart === 'broken', 5 * 60_000, 60 * 60_000, 5_000);
    expect(broken).toEqual({ row: 'broken', chart: 'broken' });

    // The detail panel shows the transitions and the events that caused them.
    await page.waitForSelector('#detail[data-state="broken"]');
    const transitions = await page.locator('#detail table.transitions').innerText();
    expect(transitions).toContain('MARKET_FAILED');
    expect(transitions).toContain('broken');
    expect(await page.locator('#detail').innerText()).toContain('EXCHANGE_UNAVAILABLE');

    // Filters: state "broken" keeps it; state "idle" hides it.
    await page.selectOption('#f-state', 'broken');
    expect(await page.locator(ROW).isVisible()).toBe(true);
    await page.selectOption('#f-state', 'idle');
    expect(await page.locator(ROW).isVisible()).toBe(false);
    await page.selectOption('#f-state', '');
    await page.fill('#f-text', 'range');
    expect(await page.locator('.actor:visible').count()).toBe(3);
    await page.fill('#f-text', '');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/viz-e2e.png`, fullPage: true });
    expect(errors).toEqual([]);
  }, 40_000);
});
