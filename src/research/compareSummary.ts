import { formatSummary } from '../backtest/summaryTable.ts';
import type { Comparison } from './compare.ts';
import type { CompareRun } from './compareRun.ts';
import { clean, fmt, textTable } from './textTable.ts';

/** What `--compare` prints: each side's summary, then the paired comparison and the verdict. */
export function formatComparison(c: Comparison): string {
  const out: string[] = [];
  out.push(`A/B comparison over ${c.days} day(s) on the same data: A = ${clean(c.a.label)}, B = ${clean(c.b.label)}`);
  out.push(
    ...textTable(
      [
        { title: 'side', align: 'left', cell: (r: { side: string } & Comparison['a']) => r.side },
        { title: 'trades', cell: (r) => String(r.trades) },
        { title: 'net PnL', cell: (r) => fmt(r.netPnl) },
        { title: 'Sharpe', cell: (r) => fmt(r.sharpe) },
      ],
      [
        { side: 'A', ...c.a },
        { side: 'B', ...c.b },
      ],
    ),
  );
  const t = c.trades;
  out.push(`Paired trades: ${t.common} taken by both (B - A net ${fmt(t.commonNetDiff)} USDT, mean R ${fmt(t.commonMeanRDiff, 3)}), ${t.onlyA} only in A, ${t.onlyB} only in B`);
  const better = c.dailyDiff.filter((d) => d > 1e-9).length;
  const worse = c.dailyDiff.filter((d) => d < -1e-9).length;
  const mean = c.dailyDiff.reduce((s, d) => s + d, 0) / Math.max(1, c.dailyDiff.length);
  out.push(`Paired daily PnL B - A: mean ${fmt(mean)} USDT/day; B better on ${better} day(s), worse on ${worse}, equal on ${c.dailyDiff.length - better - worse}`);
  const level = `${Math.round(c.settings.confidence * 100)}% CI`;
  out.push(`Bootstrap: ${c.settings.resamples} resamples of ${c.settings.blockDays}-day blocks (paired days), seed ${c.settings.seed}`);
  out.push(`  Sharpe B - A  ${fmt(c.sharpeDiff.observed)}  ${level} [${fmt(c.sharpeDiff.low)}, ${fmt(c.sharpeDiff.high)}]`);
  out.push(`  net B - A     ${fmt(c.netDiff.observed)} USDT (${fmt(c.netDiffPct.observed)}%)  ${level} [${fmt(c.netDiff.low)}, ${fmt(c.netDiff.high)}] USDT`);
  out.push(`Verdict: ${c.verdictLine}`);
  return `${out.join('\n')}\n`;
}

export function formatCompareRun(run: CompareRun): string {
  return `=== A: ${clean(run.labels[0])}\n${formatSummary(run.a)}\n=== B: ${clean(run.labels[1])}\n${formatSummary(run.b)}\n${formatComparison(run.comparison)}`;
}
