import type { EscalationLevel } from '../src/domain/types.ts';

/**
 * One structured record per escalation (backlog B2.3), whatever the level. Supervisors
 * keep the recent ones in their context (shown by /status) and emit them for logs and
 * metrics; strategy-level (level 1) records are produced by the runtime's observer from
 * the strategy actors' snapshots.
 */
export type EscalationKind =
  | 'iteration_failed'
  | 'iteration_skipped'
  | 'breaker_tripped'
  | 'strategy_disabled'
  | 'strategy_enabled'
  | 'actor_restarted'
  | 'symbol_escalated'
  | 'emergency_stop'
  | 'resumed'
  | 'daily_loss_pause'
  | 'daily_loss_pause_end';

export interface EscalationRecord {
  readonly level: EscalationLevel;
  readonly kind: EscalationKind;
  readonly reason: string;
  readonly code: string;
  readonly at: number;
  readonly correlationId: string;
  readonly symbol?: string;
  readonly actorId?: string;
}

export const ESCALATION_LOG_SIZE = 200;

export function appendRecord(log: readonly EscalationRecord[], record: EscalationRecord): EscalationRecord[] {
  const next = [...log, record];
  return next.length > ESCALATION_LOG_SIZE ? next.slice(next.length - ESCALATION_LOG_SIZE) : next;
}

export interface DisabledEntry {
  readonly at: number;
  readonly reason: string;
  readonly code: string;
  readonly correlationId: string;
}
