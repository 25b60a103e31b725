import { safePeriod } from './window.ts';

/**
 * The exponential average both EMA and Wilder's smoothing are made of:
 *   value' = value + alpha * (x - value)
 * with alpha = 2 / (period + 1) for an EMA and 1 / period for Wilder (RSI, ATR, ADX).
 * Seeded, as technicalindicators and TA-Lib do, with the simple mean of the first `period`
 * inputs, so the first value appears on the period-th input. O(1), in place, no allocation.
 */

export type SmoothingKind = 'ema' | 'wilder';

export class Smoothed {
  readonly period: number;
  readonly alpha: number;
  /** Inputs seen while seeding. */
  private count = 0;
  /** Sum of the inputs while seeding. */
  private seedSum = Number.NaN;
  /** Current average; NaN until `period` inputs have arrived (see `ready`). */
  value = Number.NaN;
  ready = false;

  constructor(period: number, kind: SmoothingKind) {
    this.period = safePeriod(period);
    this.alpha = kind === 'ema' ? 2 / (this.period + 1) : 1 / this.period;
  }

  /** The value the next `push()` adds (an input field, not an argument: see window.ts). */
  input = Number.NaN;

  /** Adds `input`; non-finite inputs are skipped: one NaN must not poison an exponential average forever. */
  push(): void {
    const x = this.input;
    if (!Number.isFinite(x)) return;
    if (this.ready) {
      this.value = this.value + this.alpha * (x - this.value);
      return;
    }
    this.seedSum = this.count === 0 ? x : this.seedSum + x;
    this.count++;
    if (this.count >= this.period) {
      this.value = this.seedSum / this.period;
      this.ready = true;
    }
  }
}
