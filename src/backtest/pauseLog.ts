import { dailyLossReason } from '../runtime/ioActors.ts';
import type { AccountTracker } from '../runtime/accountTracker.ts';
import { nextUtcMidnight } from '../../supervisors/system.rules.ts';
import type { EscalationRecord } from '../../supervisors/escalation.ts';
import type { PauseRecord } from './types.ts';

/**
 * The pauses and halts of an `--engine actors` run, from the system supervisor's records:
 * a daily-loss pause (lifts at its 00:00 UTC) and every emergency stop (lasts to the end).
 * The figures are read from the runtime's own account tracker when the record is emitted.
 */
export class PauseLog {
  readonly records: { -readonly [K in keyof PauseRecord]: PauseRecord[K] }[] = [];

  constructor(
    private readonly limitPct: number,
    private readonly tracker: AccountTracker,
    private readonly equityNow: () => number,
  ) {}

  onRecord(record: EscalationRecord): void {
    if (record.kind !== 'daily_loss_pause' && record.kind !== 'emergency_stop') return;
    const equity = this.tracker.lastEquity()?.equity ?? this.equityNow();
    const dayStartEquity = this.tracker.dayStartEquity(record.at);
    if (record.kind === 'daily_loss_pause') {
      const reason = dailyLossReason(equity, this.limitPct, dayStartEquity);
      this.records.push({ kind: 'pause', from: record.at, until: nextUtcMidnight(record.at), reason, code: record.code, equity, dayStartEquity });
    } else {
      this.records.push({ kind: 'halt', from: record.at, until: null, reason: record.reason, code: record.code, equity, dayStartEquity });
    }
  }

  /** A pause still on at the end of the run has no end. */
  finish(end: number): void {
    for (const r of this.records) if (r.kind === 'pause' && r.until !== null && r.until > end) r.until = null;
  }
}
