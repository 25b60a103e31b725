import { confluenceAnalytics, regimeBreakdown, type OutcomeBin, type PresetConfluence } from '../metrics/confluence.ts';
import type { ResultTrade } from '../types.ts';
import { dataValue, esc, fmtMoney, fmtNum } from './html.ts';
import { lineChart } from './svg.ts';

/** The report's "Confluence analytics" and "By market regime" sections (figures from src/backtest/metrics/confluence.ts). */

const num = (v: number | null, digits = 2, extra = '') => `<td class="num${v !== null && v < 0 ? ' neg' : ''}"${extra} data-value="${dataValue(v)}">${esc(fmtNum(v, digits))}</td>`;

/** Blue for positive, red for negative correlation, stronger towards +-1. */
const corrStyle = (v: number | null) => (v === null ? '' : ` style="background:${v >= 0 ? `rgba(37,99,235,${(Math.abs(v) * 0.6).toFixed(2)})` : `rgba(220,38,38,${(Math.abs(v) * 0.6).toFixed(2)})`}"`);

function correlationTable(p: PresetConfluence): string {
  const head = `<tr><th></th>${p.factors.map((f) => `<th>${esc(f)}</th>`).join('')}</tr>`;
  const rows = p.factors.map((f, i) => `<tr data-factor="${esc(f)}"><th>${esc(f)}</th>${p.correlation[i]!.map((v) => num(v, 2, corrStyle(v))).join('')}</tr>`).join('');
  return `<table class="grid corr" data-preset="${esc(p.presetId)}" data-role="correlation"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

const binCell = (b: OutcomeBin | undefined) =>
  b ? `<td class="num${b.meanR !== null && b.meanR < 0 ? ' neg' : ''}" data-value="${dataValue(b.meanR)}" data-win="${dataValue(b.winRatePct)}" data-trades="${b.trades}" title="${esc(`${fmtNum(b.lo)} .. ${fmtNum(b.hi)}, ${b.trades} trades`)}">${esc(`${fmtNum(b.meanR)} R / ${fmtNum(b.winRatePct, 0)}%`)}</td>` : '<td class="empty">-</td>';

function quintileTable(p: PresetConfluence): string {
  const head = `<tr><th>factor</th>${[1, 2, 3, 4, 5].map((q) => `<th>Q${q}</th>`).join('')}</tr>`;
  const rows = p.quintiles.map((q) => `<tr data-factor="${esc(q.factor)}"><th>${esc(q.factor)}</th>${[0, 1, 2, 3, 4].map((i) => binCell(q.bins[i])).join('')}</tr>`).join('');
  return `<table class="grid" data-preset="${esc(p.presetId)}" data-role="quintiles"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

function scoreCurve(p: PresetConfluence, index: number): string {
  const points = p.scoreCurve.filter((b) => b.meanR !== null).map((b) => [b.mean, b.meanR!] as const);
  const rows = p.scoreCurve.map((b) => `<tr><td class="num">${esc(`${fmtNum(b.lo, 3)} .. ${fmtNum(b.hi, 3)}`)}</td><td class="num">${b.trades}</td>${num(b.meanR)}${num(b.winRatePct, 1)}</tr>`).join('');
  return (
    `<p class="note" data-preset="${esc(p.presetId)}" data-role="score-rank" data-value="${dataValue(p.scoreRankCorrelation)}">Rank correlation of score and R: ${esc(fmtNum(p.scoreRankCorrelation, 3))}</p>` +
    lineChart(`score-curve-${index}`, [{ name: 'mean R', color: '#2563eb', points }], { x: (v) => fmtNum(v, 2), y: (v) => fmtNum(v, 2) }, `${p.presetId}: mean R by confluence score`) +
    `<details><summary>score bins</summary><table class="grid" data-preset="${esc(p.presetId)}" data-role="score-bins"><thead><tr><th>score</th><th>trades</th><th>mean R</th><th>win %</th></tr></thead><tbody>${rows}</tbody></table></details>`
  );
}

export function confluenceSection(trades: readonly ResultTrade[], presetOrder: readonly string[] = []): string {
  const all = confluenceAnalytics(trades, presetOrder);
  if (all.length === 0) return '<p class="empty">No trades: no confluence analytics.</p>';
  return all
    .map(
      (p, i) =>
        `<div class="confluence" data-preset="${esc(p.presetId)}"><h3>${esc(p.presetId)} <small>${esc(p.strategyType)}, ${p.trades} trades</small></h3>` +
        `<h4>Factor correlation (Pearson)</h4>${correlationTable(p)}` +
        `<h4>Mean R / win rate per factor quintile (Q1 = lowest values)</h4>${quintileTable(p)}` +
        `<h4>Score vs outcome</h4>${scoreCurve(p, i)}</div>`,
    )
    .join('');
}

export function regimeSection(trades: readonly ResultTrade[], presetOrder: readonly string[] = []): string {
  const rows = regimeBreakdown(trades, presetOrder);
  if (rows.length === 0) return '<p class="empty">No trades: no regime breakdown.</p>';
  const body = rows
    .map(
      (r) =>
        `<tr data-preset="${esc(r.presetId ?? '')}" data-regime="${esc(r.regime)}"${r.presetId === null ? ' class="total"' : ''}><td>${esc(r.presetId ?? 'all presets')}</td><td>${esc(r.regime)}</td>` +
        `<td class="num" data-value="${r.trades}">${r.trades}</td>${num(r.sharePct, 1)}${num(r.winRatePct, 1)}<td class="num${r.netPnl < 0 ? ' neg' : ''}" data-value="${dataValue(r.netPnl)}">${esc(fmtMoney(r.netPnl))}</td>${num(r.meanR)}${num(r.profitFactor)}</tr>`,
    )
    .join('');
  return `<table id="by-regime" class="grid"><thead><tr><th>preset</th><th>regime</th><th>trades</th><th>share %</th><th>win %</th><th>net PnL</th><th>mean R</th><th>PF</th></tr></thead><tbody>${body}</tbody></table>`;
}
