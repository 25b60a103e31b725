/**
 * Regenerates docs/viz.png, the screenshot in the README: `npx tsx test/e2e/screenshot.ts`.
 * A deterministic scene: the simulator runs normally, then answers half of the calls with
 * errors, so some actors fail and break while others trade.
 */
import { mkdirSync } from 'node:fs';
import { startTestApp } from '../support/appHarness.ts';
import { launchChromium } from './browser.ts';

const h = await startTestApp({ log: { level: 'silent' } });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${h.app.url}/viz#actor=BTCUSDT:range-v1`);
  await page.waitForSelector('.actor[data-actor-id="BTCUSDT:range-v1"].selected');
  await h.run(30 * 60_000, 5_000);
  await h.post('/simulator/faults', { errorRate: 0.35 });
  await h.run(25 * 60_000, 5_000);
  await page.waitForTimeout(800);
  mkdirSync('docs', { recursive: true });
  await page.screenshot({ path: 'docs/viz.png' });
  console.log('wrote docs/viz.png');
} finally {
  await browser.close();
  await h.app.stop();
}
