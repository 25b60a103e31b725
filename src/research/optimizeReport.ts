import { dataValue, esc, fmtNum } from '../backtest/report/html.ts';
import { staticPage } from '../backtest/report/staticPage.ts';
import { lineChart } from '../backtest/report/svg.ts';
import type { GuardSummary, OptimizeReport, Scored } from './optimizeTypes.ts';

/** `npm run optimize --report FILE.html`: the ranked table or the walk-forward windows, the guard, the stitched equity, the sensitivity. */

const cell = (v: number | null | undefined, digits = 2) => `<td class="num${v !== null && v !== undefined && v < 0 ? ' neg' : ''}" data-value="${dataValue(v ?? null)}">${esc(fmtNum(v ?? null, digits))}</td>`;
const params = (p: Readonly<Record<string, unknown>> | null) => `<td class="params">${esc(p ? Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join(' ') : '-')}</td>`;
const scoredCells = (s: Scored | null) => (s ? [cell(s.objective, 3), cell(s.trades, 0), cell(s.netPnl), cell(s.sharpe), cell(s.maxDrawdownPct)].join('') : '<td colspan="5" class="empty">-</td>');
const scoredHead = (p: string) => ['objective', 'trades', 'net', 'Sharpe', 'max DD %'].map((h) => `<th>${esc(`${p} ${h}`)}</th>`).join('');

function guardHtml(g: GuardSummary): string {
  const warn = g.warnings.map((w) => `<p class="warning">${esc(w)}</p>`).join('');
  return (
    `<dl class="run"><dt>PBO (CSCV)</dt><dd id="guard-pbo" data-value="${dataValue(g.pbo)}">${g.pbo === null ? '- (too few trials or days)' : `${g.pbo.toFixed(2)} over ${g.pboSplits} splits`}</dd>` +
    `<dt>Deflated Sharpe ratio</dt><dd id="guard-dsr" data-value="${dataValue(g.dsr)}">${g.dsr === null ? '-' : `${g.dsr.toFixed(3)} (best daily Sharpe ${fmtNum(g.bestDailySharpe, 4)} against ${fmtNum(g.expectedMaxDailySharpe, 4)} expected from luck over ${g.trials} trials)`}</dd></dl>${warn}`
  );
}

export function renderOptimizeReport(r: OptimizeReport): string {
  const sections: { id: string; title: string; html: string }[] = [];
  const space = r.space.map((d) => `<li>${esc(d.key)}: ${esc(d.kind === 'choice' ? d.values.join(', ') : `${d.min} .. ${d.max}${d.kind === 'grid' ? ` (${d.values.length} points)` : ' (continuous)'}`)}</li>`).join('');
  sections.push({
    id: 'run',
    title: 'Run',
    html:
      `<dl class="run"><dt>Preset</dt><dd>${esc(`${r.preset.id} (${r.preset.type}) on ${r.preset.symbols.join(', ')}`)}</dd><dt>Period</dt><dd>${esc(`${r.period.from} to ${r.period.to}`)} (${esc(r.market)})</dd>` +
      `<dt>Search</dt><dd>${esc(`${r.method}, ${r.trialsRun} trials run, seed ${r.seed}, ${r.workers} worker(s)`)}</dd><dt>Objective</dt><dd>${esc(`${r.objective.name}, at least ${r.objective.minTrades} trades`)}</dd>` +
      `<dt>Chosen</dt><dd id="best-params">${esc(r.bestParams ? Object.entries(r.bestParams).map(([k, v]) => `${k}=${String(v)}`).join(' ') : 'nothing')}</dd>${r.presetFile ? `<dt>Preset file</dt><dd>${esc(r.presetFile)}</dd>` : ''}${r.trialsFile ? `<dt>Trials file</dt><dd id="trials-file">${esc(r.trialsFile)}</dd>` : ''}</dl><ul>${space}</ul>`,
  });
  if (r.single) {
    const s = r.single;
    const head = `<tr><th>rank</th><th>trial</th>${scoredHead('IS')}${s.outOfSample ? scoredHead('OOS') : ''}<th>params</th></tr>`;
    const rows = s.ranked.map((x) => `<tr data-trial="${x.trial}"><td class="num">${x.rank}</td><td class="num">${x.trial}</td>${scoredCells(x.inSample)}${s.outOfSample ? scoredCells(x.outOfSample) : ''}${params(x.params)}</tr>`).join('');
    sections.push({ id: 'guard', title: 'Overfitting guard', html: guardHtml(s.guard) });
    sections.push({
      id: 'ranked',
      title: `Ranked trials (in-sample ${s.inSample.from} to ${s.inSample.to}${s.outOfSample ? `; out-of-sample ${s.outOfSample.from} to ${s.outOfSample.to}` : ''})`,
      html: `<p class="note">${s.evaluated} trials evaluated, ${s.invalid} candidates refused by the schema.</p><div class="scroll"><table class="grid" id="ranked-table"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`,
    });
  }
  if (r.walkForward) {
    const w = r.walkForward;
    const o = w.outOfSample;
    const head = `<tr><th>window</th><th>train</th><th>test</th><th>trials</th>${scoredHead('IS')}${scoredHead('OOS')}<th>PBO</th><th>DSR</th><th>params</th></tr>`;
    const rows = w.windows
      .map((x) => `<tr data-window="${x.index}"><td class="num">${x.index}</td><td>${esc(`${x.train.from.slice(0, 10)} .. ${x.train.to.slice(0, 10)}`)}</td><td>${esc(`${x.test.from.slice(0, 10)} .. ${x.test.to.slice(0, 10)}`)}</td><td class="num">${x.evaluated}</td>${scoredCells(x.inSample)}${scoredCells(x.outOfSample)}${cell(x.guard.pbo)}${cell(x.guard.dsr)}${params(x.params)}</tr>`)
      .join('');
    const equity = o.equity.map(([t, e]) => [Date.parse(t) / 1000, e] as const);
    sections.push({
      id: 'walk-forward',
      title: `Walk-forward (train ${w.spec.train}, test ${w.spec.test}, step ${w.spec.step})`,
      html:
        `<dl class="run"><dt>In-sample (mean of the choices)</dt><dd>Sharpe ${esc(fmtNum(w.inSampleMean.sharpe))}, return ${esc(fmtNum(w.inSampleMean.returnPct))}% per training span</dd>` +
        `<dt>Out-of-sample (stitched)</dt><dd id="oos-summary" data-sharpe="${dataValue(o.sharpe)}" data-net="${dataValue(o.netPnl)}">net ${esc(fmtNum(o.netPnl))} USDT (${esc(fmtNum(o.returnPct))}%), Sharpe ${esc(fmtNum(o.sharpe))}, max drawdown ${esc(fmtNum(o.maxDrawdownPct))}%, ${o.trades} trades over ${o.days} days</dd></dl>` +
        w.warnings.map((x) => `<p class="warning">${esc(x)}</p>`).join('') +
        lineChart('oos-equity', [{ name: 'out-of-sample equity', color: '#2563eb', points: equity }], { x: (v) => new Date(v * 1000).toISOString().slice(0, 10), y: (v) => fmtNum(v, 0) }, 'stitched out-of-sample equity') +
        `<div class="scroll"><table class="grid" id="windows-table"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`,
    });
  }
  if (r.sensitivity.length > 0) {
    const rows = r.sensitivity
      .map((row) => `<tr data-param="${esc(row.key)}"><th>${esc(row.key)}</th>${row.points.map((p) => `<td class="num${p.value === row.best ? ' best' : ''}" data-value="${dataValue(p.objective)}" title="${esc(String(p.value))}">${esc(String(p.value))}: ${esc(p.invalid ? 'invalid' : fmtNum(p.objective, 3))}</td>`).join('')}</tr>`)
      .join('');
    sections.push({ id: 'sensitivity', title: 'Sensitivity around the chosen point', html: `<p class="note">The objective with one parameter moved, the others kept (the chosen value marked).</p><div class="scroll"><table class="grid" id="sensitivity-table"><tbody>${rows}</tbody></table></div>` });
  }
  return staticPage(`bybot optimize ${r.preset.id} ${r.period.from.slice(0, 10)} to ${r.period.to.slice(0, 10)}`, `Parameter search of ${r.preset.id} (${r.preset.type}).`, sections, r.schema);
}
