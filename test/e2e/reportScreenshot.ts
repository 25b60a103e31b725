/**
 * Regenerates docs/backtest-report.png, the report screenshot in the README:
 * `npx tsx test/e2e/reportScreenshot.ts`. The report of the seeded synthetic run the
 * report's end-to-end test uses (180 days, 3 symbols, 3 presets; not real market data).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { summarize } from '../../src/backtest/metrics.ts';
import { writeHtmlReport } from '../../src/backtest/report/writeHtmlReport.ts';
import { syntheticRun } from '../support/backtestRun.ts';
import { launchChromium } from './browser.ts';

const file = join(mkdtempSync(join(tmpdir(), 'bybot-report-shot-')), 'report.html');
const { run, prices } = syntheticRun({ seed: 7, days: 180 });
writeHtmlReport(summarize(run), prices, file);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1250 } });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-charts="ready"]');
  await page.waitForTimeout(300);
  mkdirSync('docs', { recursive: true });
  await page.screenshot({ path: 'docs/backtest-report.png' });
  console.log('wrote docs/backtest-report.png');
} finally {
  await browser.close();
}
