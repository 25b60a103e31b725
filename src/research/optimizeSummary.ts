import type { GuardSummary, OptimizeReport, RankedRow, Scored, WindowRow } from './optimizeTypes.ts';
import { fmt, textTable, type TextColumn } from './textTable.ts';

/** What `npm run optimize` prints: the ranked table (or the walk-forward windows), the guard, the sensitivity, the choice. */

const paramText = (p: Readonly<Record<string, unknown>> | null): string =>
  p === null
    ? '-'
    : Object.entries(p)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');

function scoredColumns<R>(prefix: string, pick: (r: R) => Scored | null): TextColumn<R>[] {
  return [
    { title: `${prefix}obj`, cell: (r) => fmt(pick(r)?.objective, 3) },
    { title: `${prefix}trades`, cell: (r) => (pick(r) ? String(pick(r)!.trades) : '-') },
    { title: `${prefix}net`, cell: (r) => fmt(pick(r)?.netPnl) },
    { title: `${prefix}Sharpe`, cell: (r) => fmt(pick(r)?.sharpe) },
    { title: `${prefix}maxDD%`, cell: (r) => fmt(pick(r)?.maxDrawdownPct) },
  ];
}

function guardLines(label: string, g: GuardSummary): string[] {
  const pbo = g.pbo === null ? 'PBO - (too few trials or days)' : `PBO ${g.pbo.toFixed(2)} over ${g.pboSplits} CSCV splits`;
  const dsr = g.dsr === null ? 'DSR -' : `DSR ${g.dsr.toFixed(2)} (best daily Sharpe ${fmt(g.bestDailySharpe, 3)} vs ${fmt(g.expectedMaxDailySharpe, 3)} expected from luck over ${g.trials} trials)`;
  return [`${label}${pbo}; ${dsr}`];
}

export function formatOptimize(r: OptimizeReport): string {
  const out: string[] = [];
  out.push(`Optimize ${r.preset.id} (${r.preset.type}) on ${r.preset.symbols.join(', ')} ${r.period.from} -> ${r.period.to}, market ${r.market}`);
  out.push(`  method ${r.method}, ${r.trialsRun} trial(s) run, objective ${r.objective.name} (min ${r.objective.minTrades} trades), seed ${r.seed}, ${r.workers} worker(s), ${(r.elapsedMs / 1000).toFixed(1)} s`);
  out.push(`  space: ${r.space.map((d) => `${d.key} ${d.kind === 'choice' ? `{${d.values.join(',')}}` : `${d.min}..${d.max}${d.kind === 'grid' ? ` (${d.values.length})` : ''}`}`).join(', ')}`);
  out.push('');
  if (r.single) {
    const s = r.single;
    out.push(`In-sample ${s.inSample.from} -> ${s.inSample.to}${s.outOfSample ? `; out-of-sample (held out) ${s.outOfSample.from} -> ${s.outOfSample.to}` : '; no out-of-sample span (use --holdout PCT or --walk-forward)'}`);
    out.push(`${s.evaluated} trial(s) evaluated, ${s.invalid} candidate(s) refused by the schema${s.invalidReasons.length > 0 ? ` (e.g. ${s.invalidReasons[0]})` : ''}`);
    const columns: TextColumn<RankedRow>[] = [
      { title: 'rank', cell: (x) => String(x.rank) },
      { title: 'trial', cell: (x) => String(x.trial) },
      ...scoredColumns<RankedRow>('IS ', (x) => x.inSample),
      ...(s.outOfSample ? scoredColumns<RankedRow>('OOS ', (x) => x.outOfSample) : []),
      { title: 'params', align: 'left', cell: (x) => paramText(x.params) },
    ];
    out.push(...textTable(columns, s.ranked));
    out.push('');
    out.push(...guardLines('Overfitting guard: ', s.guard));
  }
  if (r.walkForward) {
    const w = r.walkForward;
    out.push(`Walk-forward train ${w.spec.train}, test ${w.spec.test}, step ${w.spec.step}: ${w.windows.length} window(s)`);
    const columns: TextColumn<WindowRow>[] = [
      { title: 'win', cell: (x) => String(x.index) },
      { title: 'test from', align: 'left', cell: (x) => x.test.from.slice(0, 10) },
      { title: 'trials', cell: (x) => String(x.evaluated) },
      ...scoredColumns<WindowRow>('IS ', (x) => x.inSample),
      ...scoredColumns<WindowRow>('OOS ', (x) => x.outOfSample),
      { title: 'PBO', cell: (x) => fmt(x.guard.pbo) },
      { title: 'DSR', cell: (x) => fmt(x.guard.dsr) },
      { title: 'params', align: 'left', cell: (x) => paramText(x.params) },
    ];
    out.push(...textTable(columns, w.windows));
    const o = w.outOfSample;
    out.push('');
    out.push(`In-sample (mean of the windows' choices): Sharpe ${fmt(w.inSampleMean.sharpe)}, return ${fmt(w.inSampleMean.returnPct)}% per training span, objective ${fmt(w.inSampleMean.objective, 3)}`);
    out.push(
      `Out-of-sample (stitched test spans, ${o.days} days): net ${fmt(o.netPnl)} USDT (${fmt(o.returnPct)}%), Sharpe ${fmt(o.sharpe)}, Sortino ${fmt(o.sortino)}, ` +
        `max drawdown ${fmt(o.maxDrawdownPct)}%, Calmar ${fmt(o.calmar)}, ${o.trades} trades, expectancy ${fmt(o.expectancyR)} R`,
    );
  }
  if (r.sensitivity.length > 0) {
    out.push('');
    out.push('Sensitivity around the chosen point (objective with one parameter moved):');
    for (const row of r.sensitivity) {
      const points = row.points.map((p) => `${String(p.value)}${p.value === row.best ? '*' : ''}: ${p.invalid ? 'invalid' : fmt(p.objective, 3)}`).join('  ');
      out.push(`  ${row.key.padEnd(20)} ${points}`);
    }
  }
  const warnings = [...(r.single?.guard.warnings ?? []), ...(r.walkForward?.warnings ?? [])];
  out.push('');
  for (const w of warnings) out.push(`WARNING: ${w}`);
  out.push(r.bestParams ? `Chosen parameters: ${paramText(r.bestParams)}` : `No trial reached ${r.objective.minTrades} trades with a defined ${r.objective.name}: nothing chosen`);
  return `${out.join('\n')}\n`;
}
