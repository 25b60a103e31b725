import type { InspectionEvent } from 'xstate';
import type { StrategyContext } from '../../machines/strategy.types.ts';
import type { Signal } from '../core/strategy/contract.ts';
import type { Journal, RiskDecisionRecord } from './journal.ts';

/** The inspection handler, plus `flush` to write what it holds now (before the journal closes). */
export interface JournalTap {
  (event: InspectionEvent): void;
  flush(): void;
}

/** One observed row waiting for the turn's commit. */
export type ObservationRow =
  | { readonly kind: 'signal'; readonly at: number; readonly actor: string; readonly correlationId: string; readonly signal: Signal & { readonly candleStart: number } }
  | { readonly kind: 'decision'; readonly record: RiskDecisionRecord };

/**
 * Feeds the journal from the actors' inspection stream: each new signal and each new
 * risk decision of a strategy actor becomes a row. Identity comparison is enough because
 * the machine replaces these objects (never mutates them) when it makes a new one.
 *
 * The rows of one event-loop turn are written in one transaction (`setImmediate`): one
 * commit per row was a quarter of the CPU with 2,000 actors deciding at the same close
 * (issue 13 profile), and these commits skip the fsync that order events get
 * (Journal.recordObservations). These rows are observations, not orders: a crash of the
 * process loses at most the current turn's, and `flush` writes them at shutdown.
 */
export function createJournalTap(journal: Journal, onError: (error: unknown) => void): JournalTap {
  const seen = new Map<string, { signal: unknown; decision: unknown }>();
  let pending: ObservationRow[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    try {
      journal.recordObservations(rows);
    } catch (error) {
      onError(error);
    }
  };
  const add = (row: ObservationRow): void => {
    pending.push(row);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const tap = ((event: InspectionEvent) => {
    if (event.type !== '@xstate.snapshot') return;
    const context = (event.snapshot as { context?: Partial<StrategyContext> }).context;
    if (!context?.actorId || !('lastSignal' in context)) return;
    const last = seen.get(context.actorId) ?? { signal: null, decision: null };
    const signal = context.lastSignal;
    if (signal && signal !== last.signal && signal.action !== 'none') {
      add({ kind: 'signal', at: context.market?.now ?? signal.candleStart, actor: context.actorId, correlationId: context.correlationId ?? '', signal });
    }
    const decision = context.lastDecision;
    if (decision && decision !== last.decision) {
      add({
        kind: 'decision',
        record: {
          at: decision.at,
          actor: context.actorId,
          symbol: context.symbol ?? '',
          correlationId: decision.correlationId,
          allowed: decision.allowed,
          code: decision.allowed ? 'ALLOWED' : decision.code,
          ...(decision.allowed ? { side: decision.side, qty: decision.qty } : {}),
          reason: decision.reason,
        },
      });
    }
    seen.set(context.actorId, { signal: context.lastSignal ?? null, decision: context.lastDecision ?? null });
  }) as JournalTap;
  tap.flush = flush;
  return tap;
}
