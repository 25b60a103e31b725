import { utcDayStart, DAY_MS } from '../src/core/data/utcTime.ts';
import { appendRecord, type EscalationRecord } from './escalation.ts';
import type { HaltInfo, PauseInfo, SystemSupervisorContext } from './system.supervisor.ts';

/** Pure helpers of the system supervisor: the level-3 bookkeeping and the daily-loss pause. */

/** Disabled-entry codes that are choices, not failures: they never count toward the level-3 limit. */
export const NON_ESCALATION_DISABLE_CODES: ReadonlySet<string> = new Set(['CONFIG_DISABLED', 'OPERATOR']);

export function disabledSymbolCount(context: SystemSupervisorContext): number {
  let count = 0;
  for (const spec of context.symbols) {
    const failed = spec.children.filter((c) => {
      const entry = context.disabled[c.actorId];
      return entry !== undefined && !NON_ESCALATION_DISABLE_CODES.has(entry.code);
    });
    const enabled = spec.children.filter((c) => !(c.actorId in context.disabled) || failed.includes(c));
    const all = failed.length > 0 && failed.length === enabled.length;
    if (all || spec.symbol in context.escalatedSymbols) count++;
  }
  return count;
}

export type HaltParams = HaltInfo & { readonly symbol?: string; readonly actorId?: string };

/** Level 3: the context change and the record of an emergency stop. */
export function haltEffects(context: SystemSupervisorContext, params: HaltParams) {
  const record: EscalationRecord = {
    level: 'system',
    kind: 'emergency_stop',
    reason: params.reason,
    code: params.code,
    at: params.at,
    correlationId: params.correlationId,
    ...(params.symbol ? { symbol: params.symbol } : {}),
    ...(params.actorId ? { actorId: params.actorId } : {}),
  };
  const patch: Partial<SystemSupervisorContext> = {
    tradingState: 'HALTED',
    halt: { reason: params.reason, code: params.code, at: params.at, correlationId: params.correlationId },
    records: appendRecord(context.records, record),
  };
  return { patch, record };
}

export function symbolOfActor(actorId: string): string {
  return actorId.split(':')[0] ?? actorId;
}

/** The next 00:00 UTC strictly after `at`: when a daily-loss pause lifts. */
export function nextUtcMidnight(at: number): number {
  return utcDayStart(at) + DAY_MS;
}

export const DAILY_LOSS_PAUSE_CODE = 'DAILY_LOSS_LIMIT';

/** The daily loss limit was reached in `pause-until-utc-midnight` mode: new entries are denied (REDUCING) until `until`. */
export function pauseEffects(context: SystemSupervisorContext, params: { readonly reason: string; readonly at: number; readonly until: number }) {
  const correlationId = `account#pause.${params.at.toString(36)}`;
  const pause: PauseInfo = { reason: params.reason, code: DAILY_LOSS_PAUSE_CODE, at: params.at, until: params.until, correlationId };
  const record: EscalationRecord = {
    level: 'system',
    kind: 'daily_loss_pause',
    reason: `${params.reason}; new entries paused until ${new Date(params.until).toISOString()} (positions keep their stops)`,
    code: DAILY_LOSS_PAUSE_CODE,
    at: params.at,
    correlationId,
  };
  const patch: Partial<SystemSupervisorContext> = { tradingState: 'REDUCING', pause, records: appendRecord(context.records, record) };
  return { patch, record };
}

/** The pause lifted at 00:00 UTC: entries allowed again. */
export function pauseEndEffects(context: SystemSupervisorContext, at: number) {
  const pause = context.pause;
  const record: EscalationRecord = {
    level: 'system',
    kind: 'daily_loss_pause_end',
    reason: `daily-loss pause from ${pause ? new Date(pause.at).toISOString() : '?'} lifted at 00:00 UTC`,
    code: 'DAILY_LOSS_PAUSE_END',
    at,
    correlationId: pause?.correlationId ?? `account#pauseEnd.${at.toString(36)}`,
  };
  const patch: Partial<SystemSupervisorContext> = { tradingState: 'ACTIVE', pause: null, records: appendRecord(context.records, record) };
  return { patch, record };
}
