import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CandleColumns } from '../../history/types.ts';
import type { BacktestResults } from '../types.ts';
import { chartData } from './chartData.ts';
import { confluenceSection, regimeSection } from './confluence.ts';
import { factorSection } from './factors.ts';
import { esc, inlineCode, scriptJson, REPORT_ASSETS } from './html.ts';
import { allocationSection } from './allocationSection.ts';
import { headline, monthlyTable, pauseList, presetSymbolTable, runInfo, tradeTable } from './sections.ts';

/**
 * The report page: one HTML document with everything inlined (the chart library from
 * node_modules, the page's script and style, the data), so it opens from a file with no
 * network. The same results and candles always give the same bytes (no clock is read).
 */

const require = createRequire(import.meta.url);
let assets: { library: string; script: string; style: string } | undefined;

/** Read once per process: Lightweight Charts' standalone build (Apache-2.0, its licence header kept) and the page's own files. */
function loadAssets(): { library: string; script: string; style: string } {
  if (!assets) {
    const lib = join(dirname(require.resolve('lightweight-charts/package.json')), 'dist', 'lightweight-charts.standalone.production.js');
    assets = {
      library: inlineCode(readFileSync(lib, 'utf8'), 'script'),
      script: inlineCode(readFileSync(REPORT_ASSETS.script, 'utf8'), 'script'),
      style: inlineCode(readFileSync(REPORT_ASSETS.style, 'utf8'), 'style'),
    };
  }
  return assets;
}

export function renderHtmlReport(results: BacktestResults, prices: readonly CandleColumns[]): string {
  const { library, script, style } = loadAssets();
  const data = chartData(results, prices);
  const symbols = results.data.map((d) => d.symbol).join(', ') || [...new Set(results.trades.map((t) => t.symbol))].join(', ');
  const title = `bybot backtest ${results.from.slice(0, 10)} to ${results.to.slice(0, 10)}${symbols ? ` (${symbols})` : ''}`;
  const priceSections = data.prices
    .map(
      (p, i) =>
        `<div class="price" data-symbol="${esc(p.symbol)}"><h3>${esc(p.symbol)} <small>${p.candles} candles of ${p.intervalMinutes}m` +
        `${p.candlesPerBar > 1 ? `, each bar merges ${p.candlesPerBar}` : ''}; ${p.markers.length / 2} trades marked` +
        `${p.unmarked > 0 ? `, ${p.unmarked} outside the candles` : ''}</small></h3><div class="chart" id="chart-price-${i}" data-symbol="${esc(p.symbol)}"></div></div>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="bybot ${esc(results.schema)}">
<title>${esc(title)}</title>
<style>${style}</style>
</head>
<body data-charts="pending" data-schema="${esc(results.schema)}">
<header><h1>${esc(title)}</h1><p>Engine ${esc(results.engine)}, market ${esc(results.market)}${results.market === 'synthetic' && results.seed !== null ? ` (seed ${esc(results.seed)})` : ''}. All times UTC (ISO-8601, Z). Money in USDT.</p></header>
<main>
<div id="report-error" hidden></div>
<section><h2>Headline (portfolio)</h2><div id="headline">${headline(results)}</div></section>
<section><h2>Equity</h2><p class="note">Mark-to-market equity (sampled to at most 5,000 points, every peak, trough and drawdown kept).</p><div class="chart" id="chart-equity"></div>
<h3>Drawdown (% below the running peak)</h3><div class="chart" id="chart-drawdown"></div></section>
<section><h2>By preset and symbol</h2><p class="note">Preset x symbol rows are measured on their own realised PnL over the starting equity; the portfolio on the account's marked equity.</p><div class="scroll">${presetSymbolTable(results)}</div></section>
<section><h2>Portfolio allocation</h2>${allocationSection(results)}</section>
<section><h2>Monthly returns (%)</h2>${monthlyTable(results.monthlyReturns, results.startEquity)}</section>
<section><h2>Prices and trades</h2><p class="legend"><span class="long">&#9650; long entry</span> &middot; <span class="short">&#9660; short entry</span> &middot; exit: <span class="win">&#9679; win</span> / <span class="loss">&#9679; loss</span></p>${priceSections || '<p class="empty">No candles were supplied.</p>'}</section>
<section><h2>Confluence factors: winners vs losers</h2><p class="note">Per preset, the three factors each trade was entered on: share of winners (green, net PnL &gt; 0) and of losers (red) per bin.</p>${factorSection(results.trades, results.presets.map((p) => p.id))}</section>
<section><h2>By market regime</h2><p class="note">Trades by the market regime of their symbol at the signal (ADX, ATR percentile and realised volatility; see the README's Research section): does the strategy earn in the regimes it was built for?</p><div class="scroll">${regimeSection(results.trades, results.presets.map((p) => p.id))}</div></section>
<section><h2>Confluence analytics</h2><p class="note">Per preset: how its three factors correlate, the mean R and win rate per quintile of each factor (a factor that predicts the outcome climbs from Q1 to Q5), and mean R by confluence score.</p>${confluenceSection(results.trades, results.presets.map((p) => p.id))}</section>
<section><h2>Pauses and halts</h2><div class="scroll">${pauseList(results)}</div></section>
<section><h2>Trades (${results.trades.length})</h2><div class="trades-box">${tradeTable(results)}</div></section>
<section><h2>Run</h2>${runInfo(results)}</section>
</main>
<footer>Generated by bybot (schema ${esc(results.schema)}). Charts: TradingView Lightweight Charts&trade;, Apache License 2.0, inlined.</footer>
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>${library}</script>
<script>${script}</script>
</body>
</html>
`;
}
