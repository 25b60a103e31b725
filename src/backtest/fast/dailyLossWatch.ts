import { dailyLossReached } from '../../core/risk/dailyLoss.ts';
import type { TradingState } from '../../domain/types.ts';
import { AccountTracker } from '../../runtime/accountTracker.ts';
import { dailyLossReason } from '../../runtime/ioActors.ts';
import { nextUtcMidnight } from '../../../supervisors/system.rules.ts';
import type { PauseRecord } from '../types.ts';

/**
 * The live account watch and the system supervisor's daily-loss rule, for the fast engine:
 * the day's starting equity is the first equity observed in the UTC day (AccountTracker,
 * the runtime's own class); when equity falls to the limit, new entries pause until the
 * next 00:00 UTC (REDUCING), or trading halts for the rest of the run (HALTED).
 */
export class DailyLossWatch {
  readonly tracker = new AccountTracker();
  readonly pauses: PauseRecord[] = [];
  private state: TradingState = 'ACTIVE';
  private pausedUntil = 0;
  private open: { -readonly [K in keyof PauseRecord]: PauseRecord[K] } | null = null;

  constructor(
    private readonly limitPct: number,
    private readonly action: 'pause-until-utc-midnight' | 'halt',
  ) {}

  tradingState(): TradingState {
    return this.state;
  }

  /** Lifts a pause whose 00:00 UTC has come (before the check of that instant, as the timers fire). */
  liftPause(now: number): void {
    if (this.state === 'REDUCING' && now >= this.pausedUntil) {
      this.state = 'ACTIVE';
      this.open = null;
    }
  }

  /** The account check at `now` with the equity then. */
  check(now: number, equity: number): void {
    this.liftPause(now);
    this.tracker.observe(equity, now);
    if (this.state === 'HALTED' || !(equity > 0)) return;
    const dayStart = this.tracker.dayStartEquity(now);
    if (!dailyLossReached(dayStart, equity, this.limitPct) || this.state === 'REDUCING') return;
    const reason = dailyLossReason(equity, this.limitPct, dayStart);
    if (this.action === 'halt') {
      this.state = 'HALTED';
      this.pauses.push({ kind: 'halt', from: now, until: null, reason, code: 'DAILY_LOSS_LIMIT', equity, dayStartEquity: dayStart });
      return;
    }
    this.state = 'REDUCING';
    this.pausedUntil = nextUtcMidnight(now);
    this.open = { kind: 'pause', from: now, until: this.pausedUntil, reason, code: 'DAILY_LOSS_LIMIT', equity, dayStartEquity: dayStart };
    this.pauses.push(this.open);
  }

  /** A pause still on at the end of the run has no end. */
  finish(end: number): void {
    if (this.open && this.pausedUntil > end) this.open.until = null;
  }
}
