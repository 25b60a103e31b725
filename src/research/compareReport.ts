import { dataValue, esc, fmtNum } from '../backtest/report/html.ts';
import { staticPage } from '../backtest/report/staticPage.ts';
import { histogramChart, lineChart } from '../backtest/report/svg.ts';
import type { CompareRun } from './compareRun.ts';
import { histogram } from './histogram.ts';

/** `--compare ... --report FILE.html`: the verdict, both equity curves, the paired daily differences. */
export function renderCompareReport(run: CompareRun): string {
  const c = run.comparison;
  const eq = (r: CompareRun['a']) => r.dailyEquity.map((d) => [Date.parse(`${d.day}T00:00:00Z`) / 1000, d.equity] as const);
  const day = (v: number) => new Date(v * 1000).toISOString().slice(0, 10);
  const row = (side: string, r: CompareRun['a'], s: typeof c.a) =>
    `<tr><th>${esc(side)}</th><td>${esc(s.label)}</td><td class="num">${r.portfolio.trades}</td><td class="num" data-value="${dataValue(r.portfolio.netPnl)}">${esc(fmtNum(r.portfolio.netPnl))}</td><td class="num">${esc(fmtNum(s.sharpe))}</td><td class="num">${esc(fmtNum(r.portfolio.maxDrawdownPct))}</td></tr>`;
  const sections = [
    {
      id: 'verdict',
      title: 'Verdict',
      html:
        `<p id="verdict" data-verdict="${esc(c.verdict)}"><strong>${esc(c.verdictLine)}</strong></p>` +
        `<table class="grid"><thead><tr><th></th><th>run</th><th>trades</th><th>net PnL</th><th>Sharpe</th><th>max DD %</th></tr></thead><tbody>${row('A', run.a, c.a)}${row('B', run.b, c.b)}</tbody></table>` +
        `<p class="note">Bootstrap: ${c.settings.resamples} resamples of ${c.settings.blockDays}-day blocks of paired days (seed ${c.settings.seed}). Sharpe B - A ${esc(fmtNum(c.sharpeDiff.observed))} [${esc(fmtNum(c.sharpeDiff.low))}, ${esc(fmtNum(c.sharpeDiff.high))}]; net B - A ${esc(fmtNum(c.netDiff.observed))} USDT [${esc(fmtNum(c.netDiff.low))}, ${esc(fmtNum(c.netDiff.high))}]. ` +
        `Trades: ${c.trades.common} taken by both, ${c.trades.onlyA} only in A, ${c.trades.onlyB} only in B.</p>`,
    },
    {
      id: 'equity',
      title: 'Daily equity',
      html: lineChart('ab-equity', [
        { name: `A ${c.a.label}`, color: '#2563eb', points: eq(run.a) },
        { name: `B ${c.b.label}`, color: '#d97706', points: eq(run.b) },
      ], { x: day, y: (v) => fmtNum(v, 0) }, 'daily equity of A and B'),
    },
    { id: 'daily-diff', title: 'Paired daily PnL, B - A (USDT)', html: histogramChart('ab-diff', histogram(c.dailyDiff, 30), (v) => fmtNum(v, 1), 'daily PnL difference') },
  ];
  return staticPage(`bybot A/B: ${c.a.label} vs ${c.b.label}`, `Backtest comparison on the same data (${run.a.from} to ${run.a.to}).`, sections, 'bybot.compare.v1');
}
