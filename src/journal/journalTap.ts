import type { InspectionEvent } from 'xstate';
import type { StrategyContext } from '../../machines/strategy.types.ts';
import type { Journal } from './journal.ts';

/**
 * Feeds the journal from the actors' inspection stream: each new signal and each new
 * risk decision of a strategy actor becomes a row. Identity comparison is enough because
 * the machine replaces these objects (never mutates them) when it makes a new one.
 */
export function createJournalTap(journal: Journal, onError: (error: unknown) => void): (event: InspectionEvent) => void {
  const seen = new Map<string, { signal: unknown; decision: unknown }>();
  return (event) => {
    if (event.type !== '@xstate.snapshot') return;
    const context = (event.snapshot as { context?: Partial<StrategyContext> }).context;
    if (!context?.actorId || !('lastSignal' in context)) return;
    const last = seen.get(context.actorId) ?? { signal: null, decision: null };
    try {
      const signal = context.lastSignal;
      if (signal && signal !== last.signal && signal.action !== 'none') {
        journal.recordSignal(context.market?.now ?? signal.candleStart, context.actorId, context.correlationId ?? '', signal);
      }
      const decision = context.lastDecision;
      if (decision && decision !== last.decision) {
        journal.recordRiskDecision({
          at: decision.at,
          actor: context.actorId,
          symbol: context.symbol ?? '',
          correlationId: decision.correlationId,
          allowed: decision.allowed,
          code: decision.allowed ? 'ALLOWED' : decision.code,
          ...(decision.allowed ? { side: decision.side, qty: decision.qty } : {}),
          reason: decision.reason,
        });
      }
    } catch (error) {
      onError(error);
    }
    seen.set(context.actorId, { signal: context.lastSignal ?? null, decision: context.lastDecision ?? null });
  };
}
