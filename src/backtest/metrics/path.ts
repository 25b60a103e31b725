import type { BacktestRun } from '../types.ts';

/**
 * The account's mark-to-market path as the metrics read it: the starting equity at `from`,
 * the engine's marks, and the ending equity at `to`. The two end points make the figures
 * hold even for a run with no marks at all, and make the last day close on `endEquity`.
 */
export interface EquityPath {
  readonly time: Float64Array;
  readonly equity: Float64Array;
  readonly exposure: Float64Array;
  readonly length: number;
}

export function equityPath(run: BacktestRun): EquityPath {
  const marks = run.equity;
  const n = Math.min(marks.time.length, marks.equity.length, marks.exposure.length);
  const length = n + 2;
  const time = new Float64Array(length);
  const equity = new Float64Array(length);
  const exposure = new Float64Array(length);
  time[0] = run.from;
  equity[0] = run.startEquity;
  time.set(marks.time.subarray(0, n), 1);
  equity.set(marks.equity.subarray(0, n), 1);
  exposure.set(marks.exposure.subarray(0, n), 1);
  time[length - 1] = Math.max(run.to, n > 0 ? marks.time[n - 1]! : run.from);
  equity[length - 1] = run.endEquity;
  return { time, equity, exposure, length };
}

/**
 * A preset x symbol row's realised path: the starting equity at `from`, then the
 * cumulative net PnL of its trades at their exit times (trades taken in exit order).
 */
export function realisedPath(trades: readonly { readonly exitTime: number; readonly netPnl: number }[], from: number, startEquity: number): EquityPath {
  const sorted = [...trades].sort((a, b) => a.exitTime - b.exitTime);
  const length = sorted.length + 1;
  const time = new Float64Array(length);
  const equity = new Float64Array(length);
  time[0] = from;
  equity[0] = startEquity;
  let running = startEquity;
  sorted.forEach((t, i) => {
    running += t.netPnl;
    time[i + 1] = t.exitTime;
    equity[i + 1] = running;
  });
  return { time, equity, exposure: new Float64Array(length), length };
}
