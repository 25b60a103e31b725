import type { BacktestResults, MonthlyReturn, PerformanceMetrics } from '../types.ts';
import { formatDuration } from '../summaryTable.ts';
import { dataValue, esc, fmtMoney, fmtNum, fmtPct } from './html.ts';

/**
 * The report's tables, rendered on the server as escaped HTML. Every figure cell carries the
 * exact JSON value in `data-value` so a script or a test can read it back without parsing
 * the rounded text.
 */

interface Kpi {
  readonly key: string;
  readonly label: string;
  readonly value: number | null;
  readonly text: string;
}

/** The headline figures (portfolio), each in an element with id `kpi-<key>`. */
export function headline(r: BacktestResults): string {
  const p = r.portfolio;
  const kpis: Kpi[] = [
    { key: 'netPnl', label: 'Net PnL (USDT)', value: p.netPnl, text: fmtMoney(p.netPnl) },
    { key: 'returnPct', label: 'Return', value: p.returnPct, text: fmtPct(p.returnPct) },
    { key: 'endEquity', label: 'End equity', value: r.endEquity, text: fmtMoney(r.endEquity) },
    { key: 'trades', label: 'Trades', value: p.trades, text: String(p.trades) },
    { key: 'winRatePct', label: 'Win rate', value: p.winRatePct, text: fmtPct(p.winRatePct, 1) },
    { key: 'profitFactor', label: 'Profit factor', value: p.profitFactor, text: fmtNum(p.profitFactor) },
    { key: 'expectancyR', label: 'Expectancy (R)', value: p.expectancyR, text: fmtNum(p.expectancyR) },
    { key: 'sharpe', label: 'Sharpe (daily, 365)', value: p.sharpe, text: fmtNum(p.sharpe) },
    { key: 'sortino', label: 'Sortino', value: p.sortino, text: fmtNum(p.sortino) },
    { key: 'maxDrawdownPct', label: 'Max drawdown', value: p.maxDrawdownPct, text: fmtPct(p.maxDrawdownPct) },
    { key: 'maxDrawdownDurationMs', label: 'Drawdown duration', value: p.maxDrawdownDurationMs, text: formatDuration(p.maxDrawdownDurationMs) },
    { key: 'exposurePct', label: 'Exposure', value: p.exposurePct, text: fmtPct(p.exposurePct, 1) },
    { key: 'fees', label: 'Fees', value: p.fees, text: fmtMoney(p.fees) },
    { key: 'funding', label: 'Funding', value: p.funding, text: fmtMoney(p.funding) },
    { key: 'pauses', label: 'Pauses', value: p.pauses, text: String(p.pauses) },
    { key: 'halts', label: 'Halts', value: p.halts, text: String(p.halts) },
  ];
  return kpis
    .map((k) => `<div class="kpi${k.value !== null && k.value < 0 ? ' neg' : ''}"><div class="label">${esc(k.label)}</div><div class="value" id="kpi-${k.key}" data-key="${k.key}" data-value="${dataValue(k.value)}">${esc(k.text)}</div></div>`)
    .join('');
}

const td = (value: number | null, text: string, cls = 'num') => `<td class="${cls}${value !== null && value < 0 ? ' neg' : ''}" data-value="${dataValue(value)}">${esc(text)}</td>`;

function metricCells(m: PerformanceMetrics): string {
  return [
    td(m.trades, String(m.trades)),
    td(m.winRatePct, fmtNum(m.winRatePct, 1)),
    td(m.netPnl, fmtMoney(m.netPnl)),
    td(m.returnPct, fmtNum(m.returnPct)),
    td(m.fees, fmtMoney(m.fees)),
    td(m.funding, fmtMoney(m.funding)),
    td(m.profitFactor, fmtNum(m.profitFactor)),
    td(m.expectancyR, fmtNum(m.expectancyR)),
    td(m.sharpe, fmtNum(m.sharpe)),
    td(m.sortino, fmtNum(m.sortino)),
    td(m.maxDrawdownPct, fmtNum(m.maxDrawdownPct)),
    td(m.maxDrawdownDurationMs, formatDuration(m.maxDrawdownDurationMs)),
    td(m.exposurePct, fmtNum(m.exposurePct, 1)),
    td(m.pauses, String(m.pauses)),
    td(m.halts, String(m.halts)),
  ].join('');
}

const METRIC_HEAD = ['trades', 'win %', 'net PnL', 'return %', 'fees', 'funding', 'PF', 'exp R', 'Sharpe', 'Sortino', 'max DD %', 'DD time', 'exposure %', 'pauses', 'halts'];

export function presetSymbolTable(r: BacktestResults): string {
  const head = ['preset', 'strategy', 'symbol', ...METRIC_HEAD].map((h) => `<th>${esc(h)}</th>`).join('');
  const rows = r.byPresetSymbol
    .map((x) => `<tr data-preset="${esc(x.presetId)}" data-symbol="${esc(x.symbol)}"><td>${esc(x.presetId)}</td><td>${esc(x.strategyType)}</td><td>${esc(x.symbol)}</td>${metricCells(x.metrics)}</tr>`)
    .join('');
  const total = `<tr class="total" data-preset="" data-symbol=""><td colspan="3">Portfolio</td>${metricCells(r.portfolio)}</tr>`;
  return `<table id="by-preset-symbol" class="grid"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody><tfoot>${total}</tfoot></table>`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Green for gains, red for losses, stronger up to +-10 % a month. */
function heat(pct: number): string {
  const a = Math.min(1, Math.abs(pct) / 10) * 0.75 + 0.08;
  return pct >= 0 ? `rgba(22,163,74,${a.toFixed(2)})` : `rgba(220,38,38,${a.toFixed(2)})`;
}

/** Years x months; the year column compounds the year's months (its close over the previous year's). */
export function monthlyTable(months: readonly MonthlyReturn[], startEquity: number): string {
  if (months.length === 0) return '<p class="empty">No months.</p>';
  const years = [...new Set(months.map((m) => m.month.slice(0, 4)))];
  let previousClose = startEquity;
  const rows = years.map((year) => {
    const inYear = months.filter((m) => m.month.startsWith(year));
    const cells = MONTHS.map((_, i) => {
      const key = `${year}-${String(i + 1).padStart(2, '0')}`;
      const m = inYear.find((x) => x.month === key);
      return m
        ? `<td class="m" data-month="${key}" data-value="${dataValue(m.returnPct)}" style="background:${heat(m.returnPct)}">${esc(fmtNum(m.returnPct))}</td>`
        : `<td class="m none" data-month="${key}"></td>`;
    }).join('');
    const close = inYear.at(-1)!.equity;
    const yearPct = previousClose > 0 ? (close / previousClose - 1) * 100 : 0;
    previousClose = close;
    return `<tr><th>${esc(year)}</th>${cells}<td class="m year" data-year="${esc(year)}" data-value="${dataValue(yearPct)}" style="background:${heat(yearPct / 4)}">${esc(fmtNum(yearPct))}</td></tr>`;
  });
  return `<table id="monthly" class="heatmap"><thead><tr><th></th>${MONTHS.map((m) => `<th>${m}</th>`).join('')}<th>Year</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const isoShort = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

export function tradeTable(r: BacktestResults): string {
  if (r.trades.length === 0) return '<p class="empty">No trades.</p>';
  const head = ['#', 'preset', 'symbol', 'side', 'qty', 'entry time', 'entry', 'exit time', 'exit', 'reason', 'gross', 'fees', 'funding', 'net', 'R', 'score', 'factors', 'mode']
    .map((h) => `<th>${esc(h)}</th>`)
    .join('');
  const rows = r.trades
    .map((t) => {
      const factors = Object.entries(t.factors)
        .map(([k, v]) => `${k} ${fmtNum(v)}`)
        .join(', ');
      return (
        `<tr data-seq="${t.seq}" class="${t.netPnl > 0 ? 'won' : 'lost'}"><td class="num">${t.seq}</td><td>${esc(t.presetId)}</td><td>${esc(t.symbol)}</td><td>${esc(t.side)}</td>` +
        `<td class="num">${esc(String(t.qty))}</td><td>${isoShort(t.entryTime)}</td><td class="num">${esc(String(t.entryPrice))}</td>` +
        `<td>${isoShort(t.exitTime)}</td><td class="num">${esc(String(t.exitPrice))}</td><td>${esc(t.exitReason)}</td>` +
        `${td(t.grossPnl, fmtMoney(t.grossPnl))}${td(t.fees, fmtMoney(t.fees))}${td(t.funding, fmtMoney(t.funding))}${td(t.netPnl, fmtMoney(t.netPnl))}` +
        `${td(t.rMultiple, fmtNum(t.rMultiple))}${td(t.score, fmtNum(t.score))}<td class="factors">${esc(factors)}</td><td>${esc(t.signalMode)}</td></tr>`
      );
    })
    .join('');
  return `<table id="trades" class="grid"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

export function pauseList(r: BacktestResults): string {
  if (r.pauses.length === 0) return '<p class="empty" id="pauses">None.</p>';
  const rows = r.pauses
    .map((p) => {
      const scope = [p.presetId, p.symbol].filter(Boolean).join(' on ') || 'account';
      return `<tr class="${esc(p.kind)}"><td>${esc(p.kind)}</td><td>${esc(p.from)}</td><td>${esc(p.until ?? 'end of run')}</td><td>${esc(scope)}</td><td>${esc(p.code)}</td><td>${esc(p.reason)}</td><td class="num">${esc(fmtMoney(p.equity))}</td><td class="num">${esc(fmtMoney(p.dayStartEquity))}</td></tr>`;
    })
    .join('');
  return `<table id="pauses" class="grid"><thead><tr><th>kind</th><th>from</th><th>until</th><th>scope</th><th>code</th><th>reason</th><th>equity</th><th>day start</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function runInfo(r: BacktestResults): string {
  const seed = r.market === 'synthetic' && r.seed !== null ? ` (seed ${r.seed})` : '';
  const data = r.data
    .map((d) => {
      const issues = Object.entries(d.dataIssues).filter(([, n]) => n > 0);
      return `<li>${esc(d.symbol)} ${esc(d.interval)}m: ${d.candles} candles, ${esc(isoShort(d.from))} to ${esc(isoShort(d.to))}${issues.length > 0 ? `; data issues: ${esc(issues.map(([k, n]) => `${k} ${n}`).join(', '))}` : ''}</li>`;
    })
    .join('');
  const perf = r.performance;
  const funding = Object.entries(r.funding)
    .map(([s, f]) => `${s}: ${f.settlements} settlements (${f.source}), ${fmtMoney(f.total)}`)
    .join('; ');
  return (
    `<dl class="run"><dt>Period</dt><dd id="run-period">${esc(r.from)} to ${esc(r.to)}</dd>` +
    `<dt>Engine</dt><dd>${esc(r.engine)}, market ${esc(r.market)}${esc(seed)}</dd>` +
    `<dt>Equity</dt><dd>${esc(fmtMoney(r.startEquity))} to ${esc(fmtMoney(r.endEquity))} USDT</dd>` +
    `<dt>Presets</dt><dd>${esc(r.presets.map((p) => `${p.id} (${p.type}) on ${p.symbols.join(', ')}`).join('; '))}</dd>` +
    `<dt>Funding</dt><dd>${esc(funding || 'none')}</dd>` +
    `<dt>Speed</dt><dd id="run-speed" data-value="${dataValue(perf.candlesPerSecond)}">${perf.candles.toLocaleString('en-US')} candles in ${Math.round(perf.elapsedMs)} ms${perf.candlesPerSecond === null ? '' : ` = ${Math.round(perf.candlesPerSecond).toLocaleString('en-US')} candles/s`}</dd></dl>` +
    `<ul class="data">${data}</ul>`
  );
}
