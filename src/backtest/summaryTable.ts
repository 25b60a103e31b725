import { writeFileAtomic } from './outputFile.ts';
import type { BacktestResults, PerformanceMetrics } from './types.ts';

/**
 * What `npm run backtest` prints on stdout: a fixed-width table with one row per preset x
 * symbol and one for the portfolio, the pauses and halts, and the engine's speed; and the
 * `--json` writer. Times are ISO-8601 UTC (Z). Money is USDT with 2 decimals; a figure that
 * is not defined for a row (null in the JSON) prints as '-'.
 */

interface Column {
  readonly title: string;
  readonly align: 'left' | 'right';
  readonly cell: (row: TableRow) => string;
}

interface TableRow {
  readonly preset: string;
  readonly type: string;
  readonly symbol: string;
  readonly m: PerformanceMetrics;
}

const num = (v: number | null, digits = 2): string => (v === null ? '-' : v.toFixed(digits));

/** 1d 4h, 5h 30m, 45m, 0. */
export function formatDuration(ms: number): string {
  if (!(ms > 0)) return '0';
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return `${m}m`;
}

const COLUMNS: readonly Column[] = [
  { title: 'preset', align: 'left', cell: (r) => r.preset },
  { title: 'strategy', align: 'left', cell: (r) => r.type },
  { title: 'symbol', align: 'left', cell: (r) => r.symbol },
  { title: 'trades', align: 'right', cell: (r) => String(r.m.trades) },
  { title: 'win%', align: 'right', cell: (r) => num(r.m.winRatePct, 1) },
  { title: 'net PnL', align: 'right', cell: (r) => num(r.m.netPnl) },
  { title: 'return%', align: 'right', cell: (r) => num(r.m.returnPct) },
  { title: 'fees', align: 'right', cell: (r) => num(r.m.fees) },
  { title: 'funding', align: 'right', cell: (r) => num(r.m.funding) },
  { title: 'PF', align: 'right', cell: (r) => num(r.m.profitFactor) },
  { title: 'exp R', align: 'right', cell: (r) => num(r.m.expectancyR) },
  { title: 'Sharpe', align: 'right', cell: (r) => num(r.m.sharpe) },
  { title: 'Sortino', align: 'right', cell: (r) => num(r.m.sortino) },
  { title: 'maxDD%', align: 'right', cell: (r) => num(r.m.maxDrawdownPct) },
  { title: 'DD time', align: 'right', cell: (r) => formatDuration(r.m.maxDrawdownDurationMs) },
  { title: 'expo%', align: 'right', cell: (r) => num(r.m.exposurePct, 1) },
  { title: 'pauses', align: 'right', cell: (r) => String(r.m.pauses) },
  { title: 'halts', align: 'right', cell: (r) => String(r.m.halts) },
];

/** Text from the run (reasons, ids) on one line with no control characters, so it cannot break the table or the terminal. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

function table(rows: readonly TableRow[], portfolio: TableRow): string[] {
  const cells = [...rows, portfolio].map((r) => COLUMNS.map((c) => clean(c.cell(r))));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (COLUMNS[i]!.align === 'left' ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const body = cells.map(line);
  return [line(COLUMNS.map((c) => c.title)), rule, ...body.slice(0, -1), rule, body.at(-1)!];
}

const money = (v: number): string => v.toFixed(2);

export function formatSummary(results: BacktestResults): string {
  const out: string[] = [];
  const seed = results.market === 'synthetic' && results.seed !== null ? ` seed ${results.seed}` : '';
  out.push(`Backtest ${results.from} -> ${results.to}  engine ${results.engine}  market ${results.market}${seed}`);
  for (const d of results.data) {
    const issues = Object.entries(d.dataIssues).filter(([, n]) => n > 0);
    const issueText = issues.length > 0 ? `  data issues: ${issues.map(([k, n]) => `${clean(k)} ${n}`).join(', ')}` : '';
    out.push(`  ${clean(d.symbol)} ${d.interval}m: ${d.candles} candles ${new Date(d.from).toISOString()} -> ${new Date(d.to).toISOString()}${issueText}`);
  }
  const p = results.portfolio;
  out.push(`Equity ${money(results.startEquity)} -> ${money(results.endEquity)} USDT (net ${money(p.netPnl)}, ${num(p.returnPct)}%)`);
  out.push('');
  const rows = results.byPresetSymbol.map((r) => ({ preset: r.presetId, type: r.strategyType, symbol: r.symbol, m: r.metrics }));
  out.push(...table(rows, { preset: 'PORTFOLIO', type: '', symbol: '', m: p }));
  out.push('');
  out.push(
    `Portfolio: max drawdown ${num(p.maxDrawdownPct)}% lasting ${formatDuration(p.maxDrawdownDurationMs)} (longest below a peak ${formatDuration(p.longestDrawdownMs)}), ` +
      `Sharpe ${num(p.sharpe)} / Sortino ${num(p.sortino)} over ${p.days} day(s)`,
  );
  if (results.pauses.length === 0) {
    out.push('Pauses and halts: none');
  } else {
    out.push(`Pauses and halts (${results.pauses.length}):`);
    for (const x of results.pauses) {
      const scope = x.symbol || x.presetId ? ` [${clean([x.presetId, x.symbol].filter(Boolean).join(' on '))}]` : '';
      out.push(
        `  ${x.kind.padEnd(5)}  ${x.from} -> ${x.until ?? 'end of run'}  ${clean(x.code)}${scope}: ${clean(x.reason)} ` +
          `(equity ${money(x.equity)}, day start ${money(x.dayStartEquity)})`,
      );
    }
  }
  const perf = results.performance;
  const rate = perf.candlesPerSecond === null ? '-' : Math.round(perf.candlesPerSecond).toLocaleString('en-US');
  out.push(`Speed: ${perf.candles.toLocaleString('en-US')} candles in ${Math.round(perf.elapsedMs)} ms = ${rate} candles/s`);
  return `${out.join('\n')}\n`;
}

export function printSummary(results: BacktestResults, stream: { write(text: string): unknown } = process.stdout): void {
  stream.write(formatSummary(results));
}

/**
 * `--json FILE`: the results as JSON (schema 'bybot.backtest.v1', README "Backtest results
 * and report"), written atomically. Returns the absolute path and the size in bytes; throws
 * OutputFileError (code OUTPUT_FAILED) naming the path when it cannot be written.
 */
export function writeJson(results: BacktestResults, file: string): { path: string; bytes: number } {
  return writeFileAtomic(file, `${JSON.stringify(results, null, 2)}\n`, '--json');
}
