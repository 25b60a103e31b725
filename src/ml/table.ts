import type { ModelBody } from './modelFile.ts';
import type { VerifyResult } from './modelStore.ts';

/** The train command's stdout: the walk-forward folds and the total, without vs with the model as a filter. */

const num = (v: number | null | undefined, d = 2): string => (v === null || v === undefined ? '-' : v.toFixed(d));

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

export function formatTraining(body: ModelBody, file: string): string {
  const head = ['fold', 'test from', 'train', 'test', 'AUC', 'thresh', 'prec@t', 'base', 'kept', 'trades', 'net', 'win%', 'PF', 'maxDD%', 'trades+ML', 'net+ML', 'win%+ML', 'PF+ML', 'maxDD%+ML'];
  const rows: string[][] = body.metrics.folds.map((f) => [
    String(f.fold),
    f.testFrom.slice(0, 10),
    String(f.trainSignals),
    String(f.testSignals),
    num(f.auc, 3),
    f.threshold < 0 ? '-' : num(f.threshold, 3),
    num(f.precision, 3),
    num(f.baseRate, 3),
    String(f.kept),
    num(f.without.trades, 0),
    num(f.without.netPnl),
    num(f.without.winRatePct, 1),
    num(f.without.profitFactor, 2),
    num(f.without.maxDrawdownPct, 2),
    num(f.with.trades, 0),
    num(f.with.netPnl),
    num(f.with.winRatePct, 1),
    num(f.with.profitFactor, 2),
    num(f.with.maxDrawdownPct, 2),
  ]);
  const t = body.metrics.total;
  rows.push(['total', '', '', '', num(t.auc, 3), '', num(t.precision, 3), '', '', num(t.without.trades, 0), num(t.without.netPnl), num(t.without.winRatePct, 1), num(t.without.profitFactor, 2), num(t.without.maxDrawdownPct, 2), num(t.with.trades, 0), num(t.with.netPnl), num(t.with.winRatePct, 1), num(t.with.profitFactor, 2), num(t.with.maxDrawdownPct, 2)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const m = body.model;
  const verdict = verdictOf(body);
  return [
    `model ${m.version} (${m.strategyType}) trained on ${body.training.data.join(', ')} ${body.training.from} .. ${body.training.to}: ${body.training.signals} labelled signals, ${body.training.positives} reached the take-profit first; threshold ${m.threshold}`,
    `walk-forward (expanding window; each test span backtested by the fast engine without and with the model as a veto):`,
    pad(head, widths),
    ...rows.map((r) => pad(r, widths)),
    verdict,
    `written ${file}`,
  ].join('\n');
}

/** One plain sentence: does the filter help out of sample? */
export function verdictOf(body: ModelBody): string {
  const t = body.metrics.total;
  const a = t.without.netPnl ?? 0;
  const b = t.with.netPnl ?? 0;
  const auc = t.auc;
  if (auc === null) return 'verdict: no fold had enough labelled signals to evaluate a model.';
  const ranks = auc > 0.55 ? 'ranks signals better than chance' : 'does not rank signals better than chance';
  const trades = `${t.with.trades ?? 0} of ${t.without.trades ?? 0} trades taken`;
  const money = b > a ? `raises the out-of-sample net PnL from ${a.toFixed(2)} to ${b.toFixed(2)} (${trades})` : `does NOT help: out-of-sample net PnL ${a.toFixed(2)} without it, ${b.toFixed(2)} with it (${trades})`;
  return `verdict: the model ${ranks} (pooled AUC ${auc.toFixed(3)}) and as a filter ${money}.`;
}

export function formatList(results: readonly VerifyResult[]): string {
  if (results.length === 0) return 'no model files';
  const lines = results.map((r) => {
    if (!r.ok || !r.body) return `${r.model.version}  ${r.model.bytes} B  INVALID (${r.code}): ${r.problem}`;
    const b = r.body;
    return `${r.model.version}  ${r.model.bytes} B  ${b.model.strategyType}  ${b.training.data.join(',')}  ${b.training.from} .. ${b.training.to}  signals ${b.training.signals}  AUC ${num(b.metrics.total.auc, 3)}  threshold ${b.model.threshold}  ${r.model.file}`;
  });
  return lines.join('\n');
}
