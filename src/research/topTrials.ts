import type { TrialRecord } from './search.ts';

/**
 * The search's ranking in bounded memory: the K best trials by the objective, kept sorted
 * (insertion by binary search into an array of at most K records: K is the table's rows,
 * 20 by default, so this is cheaper than a heap and gives the order directly). Every other
 * trial is seen once, streamed to the trials file if one is open, and dropped.
 */

/** Best first: the higher objective, a trial without an objective after every trial with one, then the earlier trial. */
export function compareTrials(a: TrialRecord, b: TrialRecord): number {
  return (b.objective ?? -Infinity) - (a.objective ?? -Infinity) || (a.objective === null ? 1 : 0) - (b.objective === null ? 1 : 0) || a.index - b.index;
}

export class TopTrials {
  private readonly rows: TrialRecord[] = [];

  constructor(readonly capacity: number) {}

  /** Offers a trial with metrics; kept when it ranks among the K best so far. */
  offer(t: TrialRecord): void {
    const rows = this.rows;
    if (rows.length === this.capacity && compareTrials(t, rows[rows.length - 1]!) >= 0) return;
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareTrials(rows[mid]!, t) <= 0) lo = mid + 1;
      else hi = mid;
    }
    rows.splice(lo, 0, t);
    if (rows.length > this.capacity) rows.pop();
  }

  /** The kept trials, best first. */
  sorted(): TrialRecord[] {
    return this.rows.slice();
  }
}
