import { dataValue, esc, fmtNum } from '../backtest/report/html.ts';
import { staticPage } from '../backtest/report/staticPage.ts';
import { histogramChart } from '../backtest/report/svg.ts';
import type { SyntheticMc } from './mcSynthetic.ts';
import type { Distribution, McResult } from './montecarlo.ts';
import { clean, fmt, textTable } from './textTable.ts';

/**
 * What `npm run montecarlo` prints and writes: the percentile table (stdout), the JSON
 * (bybot.montecarlo.v1) and the HTML report with one histogram per distribution.
 */
export interface McSource {
  readonly file: string;
  readonly from: string;
  readonly to: string;
  readonly presets: readonly string[];
  readonly trades: number;
  readonly days: number;
}

export type MontecarloOutput =
  | { readonly schema: 'bybot.montecarlo.v1'; readonly kind: 'results'; readonly source: McSource; readonly result: McResult }
  | { readonly schema: 'bybot.montecarlo.v1'; readonly kind: 'synthetic'; readonly presets: readonly string[]; readonly result: SyntheticMc };

interface Row {
  readonly key: string;
  readonly label: string;
  readonly d: Distribution;
  readonly original: number | null;
  readonly digits: number;
}

function rowsOf(o: MontecarloOutput): Row[] {
  const r = o.result;
  const orig = o.kind === 'results' ? o.result.original : null;
  const start = r.startEquity;
  return [
    { key: 'finalEquity', label: 'final equity (USDT)', d: r.finalEquity, original: orig?.finalEquity ?? null, digits: 2 },
    { key: 'returnPct', label: 'return %', d: r.returnPct, original: orig ? (orig.finalEquity / start - 1) * 100 : null, digits: 2 },
    { key: 'maxDrawdownPct', label: 'max drawdown %', d: r.maxDrawdownPct, original: orig?.maxDrawdownPct ?? null, digits: 2 },
    { key: 'longestLosingStreak', label: o.kind === 'results' && o.result.method === 'blocks' ? 'longest losing streak (days)' : 'longest losing streak (trades)', d: r.longestLosingStreak, original: orig?.longestLosingStreak ?? null, digits: 0 },
  ];
}

function heading(o: MontecarloOutput): string {
  if (o.kind === 'results') {
    const r = o.result;
    const unit = r.method === 'blocks' ? `${r.steps} daily returns in blocks of ${r.block} day(s)` : `${r.steps} trades`;
    return `Monte Carlo (${r.method}) of ${clean(o.source.file)}: ${o.source.presets.join(', ')} ${o.source.from} to ${o.source.to}; ${r.runs} runs of ${unit}, seed ${r.seed}`;
  }
  const r = o.result;
  return `Monte Carlo over ${r.markets} synthetic markets of ${r.hours} h (seeds ${r.firstSeed}..${r.firstSeed + r.markets - 1}; regimes mixed, trend, range, crash in turn): ${o.presets.join(', ')}`;
}

export function formatMontecarlo(o: MontecarloOutput): string {
  const lines = [heading(o)];
  lines.push(
    ...textTable(
      [
        { title: 'figure', align: 'left', cell: (x: Row) => x.label },
        { title: 'p5', cell: (x) => fmt(x.d.p5, x.digits) },
        { title: 'p50', cell: (x) => fmt(x.d.p50, x.digits) },
        { title: 'p95', cell: (x) => fmt(x.d.p95, x.digits) },
        { title: 'mean', cell: (x) => fmt(x.d.mean, 2) },
        { title: 'min', cell: (x) => fmt(x.d.min, x.digits) },
        { title: 'max', cell: (x) => fmt(x.d.max, x.digits) },
        ...(o.kind === 'results' ? [{ title: 'record', cell: (x: Row) => fmt(x.original, x.digits) }] : []),
      ],
      rowsOf(o),
    ),
  );
  const r = o.result;
  lines.push(`Risk of ruin (equity at or below ${r.floorPct}% of ${fmt(r.startEquity)} USDT): ${(r.riskOfRuin * 100).toFixed(2)}% of ${o.kind === 'results' ? 'runs' : 'markets'}`);
  if (o.kind === 'results' && o.result.steps < 30) lines.push(`warning: only ${o.result.steps} ${o.result.method === 'blocks' ? 'days' : 'trades'} to resample: the distributions are rough`);
  if (o.kind === 'synthetic') {
    lines.push(
      ...textTable(
        [
          { title: 'seed', cell: (m: SyntheticMc['runs'][number]) => String(m.seed) },
          { title: 'regime', align: 'left', cell: (m) => m.regime },
          { title: 'trades', cell: (m) => String(m.trades) },
          { title: 'return %', cell: (m) => fmt(m.returnPct) },
          { title: 'max DD %', cell: (m) => fmt(m.maxDrawdownPct) },
          { title: 'losing streak', cell: (m) => String(m.longestLosingStreak) },
          { title: 'ruined', align: 'left', cell: (m) => (m.ruined ? 'yes' : 'no') },
        ],
        o.result.runs.slice(0, 50),
      ),
    );
    if (o.result.runs.length > 50) lines.push(`(${o.result.runs.length - 50} more markets in --json)`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderMontecarloReport(o: MontecarloOutput): string {
  const r = o.result;
  const rows = rowsOf(o);
  const cell = (v: number | null, digits: number) => `<td class="num${v !== null && v < 0 ? ' neg' : ''}" data-value="${dataValue(v)}">${esc(fmtNum(v, digits))}</td>`;
  const table =
    `<table class="grid" id="mc-table"><thead><tr><th>figure</th><th>p5</th><th>p50</th><th>p95</th><th>mean</th><th>min</th><th>max</th>${o.kind === 'results' ? '<th>record</th>' : ''}</tr></thead><tbody>` +
    rows.map((x) => `<tr data-key="${x.key}"><th>${esc(x.label)}</th>${cell(x.d.p5, x.digits)}${cell(x.d.p50, x.digits)}${cell(x.d.p95, x.digits)}${cell(x.d.mean, 2)}${cell(x.d.min, x.digits)}${cell(x.d.max, x.digits)}${o.kind === 'results' ? cell(x.original, x.digits) : ''}</tr>`).join('') +
    '</tbody></table>';
  const ruin = `<p id="risk-of-ruin" data-value="${dataValue(r.riskOfRuin)}">Risk of ruin (equity at or below ${esc(String(r.floorPct))}% of the starting ${esc(fmtNum(r.startEquity))} USDT): <strong>${esc((r.riskOfRuin * 100).toFixed(2))}%</strong></p>`;
  const sections = [
    { id: 'run', title: 'Run', html: `<p>${esc(heading(o))}</p>` },
    { id: 'distributions', title: 'Distributions (5th, 50th, 95th percentiles)', html: `${table}${ruin}` },
    ...rows.map((x) => ({ id: `hist-${x.key}`, title: x.label, html: histogramChart(`chart-${x.key}`, x.d.histogram, (v) => fmtNum(v, x.digits), `histogram of ${x.label}`) })),
  ];
  if (o.kind === 'synthetic') {
    const body = o.result.runs
      .map((m) => `<tr data-seed="${m.seed}"><td class="num">${m.seed}</td><td>${esc(m.regime)}</td><td class="num">${m.trades}</td>${cell(m.returnPct, 2)}${cell(m.maxDrawdownPct, 2)}<td class="num">${m.longestLosingStreak}</td><td>${m.ruined ? 'yes' : 'no'}</td></tr>`)
      .join('');
    sections.push({ id: 'markets', title: 'Markets', html: `<div class="scroll"><table class="grid" id="markets-table"><thead><tr><th>seed</th><th>regime</th><th>trades</th><th>return %</th><th>max DD %</th><th>losing streak</th><th>ruined</th></tr></thead><tbody>${body}</tbody></table></div>` });
  }
  const title = o.kind === 'results' ? `bybot Monte Carlo (${o.result.method}) ${o.source.from.slice(0, 10)} to ${o.source.to.slice(0, 10)}` : `bybot Monte Carlo over ${o.result.markets} synthetic markets`;
  return staticPage(title, 'Alternative histories of a backtest: how good or bad it could have gone.', sections, o.schema);
}
