/** The symbol supervisor's context: its own file so symbol.supervisor.ts stays one job under 400 lines. */
import type { BackoffConfig } from '../src/core/supervision/policies.ts';
import type { StrategyActorInput } from '../machines/strategy.types.ts';
import type { DisabledEntry, EscalationRecord } from './escalation.ts';
import type { LastClosed } from './ticks.ts';

/** The supervisor's fixed policy (restart backoff and intensity, level-2 trip limits). */
export interface SymbolSupervisorPolicy {
  readonly tickDelayMs: number;
  readonly restart: BackoffConfig;
  readonly intensity: number;
  readonly periodMs: number;
  readonly disableAfterTrips: number;
  readonly tripWindowMs: number;
}

/**
 * Kept under 20 top-level keys on purpose (see StrategyContext): XState's assign copies the
 * context with Object.assign, and V8 turns a copy with 20 or more properties into a slow
 * dictionary object (measured: 0.6 us per assign at 19 keys, 12 us at 20), paid on every
 * candle close (CANDLE_CLOSED assigns lastClosed). The fixed settings live in `policy`.
 */
export interface SymbolSupervisorContext {
  readonly symbol: string;
  readonly specs: Readonly<Record<string, StrategyActorInput>>;
  readonly order: readonly string[];
  readonly policy: SymbolSupervisorPolicy;
  /** Fallback tick at close + this (delay plus the symbol's stagger); newest confirmed candle start per interval. */
  readonly fallbackOffsetMs: number;
  readonly lastClosed: LastClosed;
  readonly running: readonly string[];
  readonly disabled: Readonly<Record<string, DisabledEntry>>;
  readonly trips: Readonly<Record<string, readonly number[]>>;
  readonly restarts: readonly number[];
  readonly attempts: Readonly<Record<string, number>>;
  readonly lastRestartAt: Readonly<Record<string, number>>;
  readonly records: readonly EscalationRecord[];
  readonly escalation: { readonly reason: string; readonly at: number; readonly correlationId: string } | null;
  readonly pending: readonly string[]; // hot reload: restarts and removals waiting for a cycle's end (reconfigure.ts)
}
