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
const TOKEN = 'viz-e2e-control-token-0123456789';

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

/** A control request as a tool would send it (the bot requires the token). */
async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${h!.app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
}

/** Label boxes and state boxes of the drawn chart, as the browser rendered them. */
async function drawnOverlaps(): Promise<string[]> {
  return page.evaluate(`(() => {
    const rects = [...document.querySelectorAll('svg.chart g.edge-label rect, svg.chart g.note rect, svg.chart g.state rect.box')].map((r) => {
      const b = r.getBBox();
      return { name: r.closest('g').getAttribute('data-route') || r.closest('g').getAttribute('data-state') || 'note', x: b.x, y: b.y, w: b.width, h: b.height };
    });
    const texts = [...document.querySelectorAll('svg.chart g.edge-label text, svg.chart g.note text')].map((t) => {
      const b = t.getBBox();
      const box = t.previousElementSibling.getBBox();
      return b.x >= box.x - 0.5 && b.x + b.width <= box.x + box.width + 0.5 && b.y >= box.y - 0.5 && b.y + b.height <= box.y + box.height + 0.5 ? null : 'text outside its box: ' + t.textContent;
    }).filter(Boolean);
    const out = [...texts];
    for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
      const a = rects[i], b = rects[j];
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) out.push(a.name + ' / ' + b.name);
    }
    return out;
  })()`) as Promise<string[]>;
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
    h = await startTestApp({ log: { level: 'silent' }, http: { controlToken: TOKEN } });
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
    expect((await post('/simulator/faults', { down: true })).status).toBe(200);
    const broken = await runUntil((s) => s.row === 'broken' && s.chart === 'broken', 5 * 60_000, 60 * 60_000, 5_000);
    expect(broken).toEqual({ row: 'broken', chart: 'broken' });

    // The detail panel shows the transitions and the events that caused them.
    await page.waitForSelector('#detail[data-state="broken"]');
    const transitions = await page.locator('#detail table.transitions').innerText();
    expect(transitions).toContain('MARKET_FAILED');
    // Simulated times are labelled as such (dry-run), in the header and the transition table.
    expect(transitions).toContain('time (UTC, simulated');
    expect(await page.locator('#clock').innerText()).toContain('simulated');
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

    // The breaker shows consecutive failures capped at the threshold, and the trips.
    const meta = await page.locator(`${ROW} .meta`).innerText();
    const breaker = /breaker open (\d+)\/(\d+), (\d+) trips?/.exec(meta);
    expect(breaker, meta).not.toBeNull();
    expect(Number(breaker![1])).toBe(Number(breaker![2]));
    expect(await page.locator('#detail').innerText()).toMatch(/open 5\/5, \d+ trips?/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/viz-e2e.png`, fullPage: true });
    expect(errors).toEqual([]);
  }, 40_000);

  it('draws every chart without a label over another label or a state', async () => {
    for (const name of ['strategy', 'symbolSupervisor', 'systemSupervisor']) {
      await page.click(`#tabs button[data-machine="${name}"]`);
      await page.waitForSelector(`svg.chart[data-machine="${name}"] g.state`);
      expect(await drawnOverlaps(), name).toEqual([]);
    }
    await page.click('#tabs button[data-machine="strategy"]');
  });

  it('operator buttons ask for the control token once, then disable, enable, halt and resume', async () => {
    expect((await post('/simulator/faults', { down: false })).status).toBe(200);
    await h!.run(10 * 60_000, 5_000);
    const other = 'ETHUSDT:mtf-v1';
    await page.click(`.actor[data-actor-id="${other}"]`);
    await page.waitForSelector(`#detail[data-actor-id="${other}"] .ops button.disable`);
    await page.click(`#detail .ops button[data-path="/actors/${encodeURIComponent(other)}/disable"]`);
    // First a wrong token: refused, the page asks again.
    await page.waitForSelector('#token-dialog[open]');
    await page.fill('#token-input', 'wrong-token');
    await page.click('#token-save');
    await page.waitForSelector('#token-dialog[open] #token-message:text("refused")');
    await page.fill('#token-input', TOKEN);
    await page.click('#token-save');
    await page.waitForSelector('#op-status[data-ok="true"]');
    await h!.run(5_000);
    await page.waitForSelector(`.actor[data-actor-id="${other}"][data-status="disabled"]`);
    // The token is kept for the tab: the next buttons do not ask.
    await page.waitForSelector(`#detail[data-actor-id="${other}"] .ops button[data-path="/actors/${encodeURIComponent(other)}/enable"]`);
    await page.click(`#detail .ops button[data-path="/actors/${encodeURIComponent(other)}/enable"]`);
    await h!.run(5_000);
    await page.waitForSelector(`.actor[data-actor-id="${other}"][data-status="running"]`);
    expect(await page.locator('#token-dialog[open]').count()).toBe(0);

    await page.click('#op-halt');
    await page.fill('#halt-reason', 'checking the viz buttons');
    await page.click('#halt-confirm');
    await h!.run(5_000);
    await page.waitForSelector('#system[data-trading="HALTED"]');
    expect(await page.locator('#system').innerText()).toContain('checking the viz buttons');
    await page.click('#op-resume');
    await h!.run(10_000);
    await page.waitForSelector('#system[data-trading="ACTIVE"]');
    expect(await page.evaluate('sessionStorage.getItem("bybot.controlToken")')).toBe(TOKEN);
  }, 40_000);
});
