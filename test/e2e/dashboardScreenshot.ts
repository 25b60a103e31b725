/**
 * Regenerates docs/dashboard.png, the screenshot in the README: `npx tsx test/e2e/dashboardScreenshot.ts`.
 * A seeded dry-run over the Bybit wire protocol: three hours of trading, then the simulator
 * answers a third of the calls with 5xx, so the alerts panel has something to show.
 */
import { mkdirSync } from 'node:fs';
import { startTestApp } from '../support/appHarness.ts';
import { launchChromium } from './browser.ts';

const h = await startTestApp({ log: { level: 'silent' }, exchange: { transport: 'wire' } });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1250 } });
  await page.goto(`${h.app.url}/dashboard`);
  await page.waitForSelector('#conn[data-status="live"]');
  for (let i = 0; i < 36; i++) {
    await h.run(5 * 60_000, 5_000, 3);
    await page.waitForTimeout(150);
  }
  await h.post('/simulator/faults', { errorRate: 0.35 });
  for (let i = 0; i < 12; i++) {
    await h.run(5 * 60_000, 5_000, 3);
    await page.waitForTimeout(150);
  }
  await page.waitForTimeout(1_500);
  mkdirSync('docs', { recursive: true });
  await page.screenshot({ path: 'docs/dashboard.png', fullPage: true });
  console.log('wrote docs/dashboard.png');
} finally {
  await browser.close();
  await h.app.stop();
}
