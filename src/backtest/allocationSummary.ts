import type { AppConfig } from '../../config/schema.ts';
import type { PortfolioBook } from '../core/portfolio/book.ts';
import type { AllocationMode, RebalanceRecord } from '../core/portfolio/types.ts';

/** The portfolio book of a run as the results report it: the mode and every rebalance (allocation over time). */
export interface RunAllocation {
  readonly mode: AllocationMode;
  /** Check times the book evaluated. */
  readonly checks: number;
  readonly rebalances: readonly RebalanceRecord[];
}

export function allocationSummary(config: AppConfig, book: PortfolioBook | null): RunAllocation | null {
  if (!book) return null;
  return { mode: config.portfolio.allocation.mode, checks: book.checks, rebalances: [...book.rebalances] };
}
