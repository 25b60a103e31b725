import type { BacktestResults } from '../types.ts';
import { dataValue, esc, fmtMoney, fmtNum } from './html.ts';

/**
 * The report's portfolio allocation: each preset's contribution to return and risk, and the
 * allocation over time (the weights per preset after each rebalance that changed them, at
 * most 60 rows, evenly picked, the first and last always kept).
 */
const MAX_ROWS = 60;

const td = (value: number | null, text: string) => `<td class="num${value !== null && value < 0 ? ' neg' : ''}" data-value="${dataValue(value)}">${esc(text)}</td>`;

export function allocationSection(r: BacktestResults): string {
  const a = r.allocation;
  const contributions = `<table id="allocation-contributions"><thead><tr><th>Preset</th><th>Trades</th><th>Net PnL</th><th>Return %</th><th>Risk share %</th></tr></thead><tbody>${a.contributions
    .map((c) => `<tr><td>${esc(c.presetId)}</td>${td(c.trades, String(c.trades))}${td(c.netPnl, fmtMoney(c.netPnl))}${td(c.returnPct, fmtNum(c.returnPct))}${td(c.riskSharePct, fmtNum(c.riskSharePct))}</tr>`)
    .join('')}</tbody></table>`;
  const mode = `<p class="note">Mode <b>${esc(a.mode)}</b>${a.mode === 'none' ? ': every preset sized from the whole equity (no budgets).' : `, ${a.rebalances.length} rebalance(s).`} Return: net PnL / starting equity; risk: share of the variance of the daily realised PnL.</p>`;
  if (a.rebalances.length === 0) return `${mode}${contributions}`;
  const changed = a.rebalances.filter((x, i) => i === 0 || JSON.stringify(x.weights) !== JSON.stringify(a.rebalances[i - 1]!.weights));
  const step = Math.max(1, Math.ceil(changed.length / MAX_ROWS));
  const rows = changed.filter((_, i) => i % step === 0 || i === changed.length - 1);
  const presets = Object.keys(a.rebalances[0]!.weights);
  const table = `<table id="allocation-over-time"><thead><tr><th>Time (UTC)</th><th>Reason</th>${presets.map((p) => `<th>${esc(p)} %</th>`).join('')}</tr></thead><tbody>${rows
    .map((x) => `<tr><td>${esc(x.at)}</td><td>${esc(x.reason)}</td>${presets.map((p) => td(x.weights[p] ?? 0, fmtNum((x.weights[p] ?? 0) * 100, 1))).join('')}</tr>`)
    .join('')}</tbody></table>`;
  return `${mode}${contributions}<h3>Allocation over time (weights after the rebalances that changed them)</h3><div class="scroll">${table}</div>`;
}
