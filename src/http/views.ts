import type { SystemSnapshot } from '../runtime/createRuntime.ts';
import { TRANSITION_HISTORY, type ActorEntry } from '../runtime/actorRegistry.ts';
import type { DisabledEntry } from '../../supervisors/escalation.ts';
import type { StrategyContext } from '../../machines/strategy.types.ts';

/** Human-facing timestamps: ISO-8601 UTC with Z (internally everything is epoch ms). */
export function iso(ms: number | null | undefined): string | null {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

export type ActorStatus = 'running' | 'disabled' | 'halted' | 'stopped';

function withIso<T extends { at: number }>(value: T | null): (Omit<T, 'at'> & { at: string | null }) | null {
  return value ? { ...value, at: iso(value.at) } : null;
}

/** The iteration counters as /actors has always shown them (failures by code are under `failures`). */
function countersView(counters: StrategyContext['counters']) {
  const { failuresByCode: _byCode, ...rest } = counters;
  return rest;
}

/**
 * The preset's ML filter, when it has one: which model, in which mode, and whether the actor
 * consults it yet. Until the model's declared history is loaded and validated (the kernel's
 * contiguous validated candles), status is 'waiting-history' and the strategy runs without it.
 */
function mlView(c: StrategyContext) {
  const binding = c.settings.ml;
  if (!binding) return {};
  const state = c.kernel?.instance.mlState ?? null;
  const history = state?.history ?? 0;
  const needs = binding.model.requiredCandles;
  return {
    ml: {
      version: binding.model.version,
      mode: binding.settings.mode,
      threshold: binding.settings.threshold ?? binding.model.threshold,
      status: state?.ready ? 'active' : 'waiting-history',
      history,
      needs,
      note: state?.ready ? 'the model filters entries' : `the strategy runs without the model until ${needs} validated candles are held (${history} now)`,
    },
  };
}

/** The /actors row: everything an on-call engineer needs to see why an actor does what it does. */
export function actorSummary(entry: ActorEntry, disabled: DisabledEntry | undefined, tradingHalted: boolean) {
  const c = entry.context;
  const status: ActorStatus = disabled ? 'disabled' : entry.status === 'active' ? 'running' : tradingHalted ? 'halted' : 'stopped';
  return {
    id: entry.actorId,
    symbol: entry.symbol,
    strategy: entry.presetId,
    strategyType: entry.strategyType,
    interval: c.settings.params.interval,
    state: entry.state,
    status,
    stateSince: iso(entry.enteredAt),
    disabled: disabled ? { ...disabled, at: iso(disabled.at) } : null,
    breaker: {
      status: c.breaker.status,
      consecutiveFailures: c.breaker.consecutiveFailures,
      failureThreshold: c.settings.breaker.failureThreshold,
      trips: c.breaker.trips,
      openedAt: iso(c.breaker.openedAt),
      openMs: c.settings.breaker.openMs,
    },
    failures: {
      consecutive: c.breaker.consecutiveFailures,
      total: c.counters.failed,
      skipped: c.counters.skipped,
      byCode: c.counters.failuresByCode,
    },
    counters: countersView(c.counters),
    correlationId: c.correlationId,
    lastError: withIso(c.lastError),
    lastSkip: withIso(c.lastSkip),
    dataQuality: withIso(c.quality),
    /** The market regime of the last decision (src/core/indicators/regime.ts); null before the first. */
    regime: c.lastSignal?.regime ?? null,
    lastSignal: c.lastSignal ? { ...c.lastSignal, candleStart: iso(c.lastSignal.candleStart) } : null,
    lastRiskDecision: withIso(c.lastDecision),
    lastOrder: withIso(c.lastOrder),
    lastCycleMs: entry.lastCycleMs === null ? null : Math.round(entry.lastCycleMs * 100) / 100,
    lastDecisionMs: entry.lastDecisionMs,
    ...mlView(c),
  };
}

export function actorDetail(entry: ActorEntry, disabled: DisabledEntry | undefined, tradingHalted: boolean) {
  return {
    ...actorSummary(entry, disabled, tradingHalted),
    params: entry.context.settings.params,
    risk: entry.context.settings.risk,
    lastIndicators: entry.context.lastIndicators
      ? { ...entry.context.lastIndicators, candleStart: iso(entry.context.lastIndicators.candleStart) }
      : null,
    transitions: entry.transitions.slice(-TRANSITION_HISTORY).map((t) => ({ ...t, at: iso(t.at) })),
  };
}

export function systemSummary(snapshot: SystemSnapshot) {
  const c = snapshot.context;
  return {
    state: String(snapshot.value),
    status: snapshot.status,
    tradingState: c.tradingState,
    halt: c.halt ? { ...c.halt, at: iso(c.halt.at) } : null,
    pause: c.pause ? { ...c.pause, at: iso(c.pause.at), until: iso(c.pause.until) } : null,
    lastEmergencyCancel: c.cancelResult ? { ...c.cancelResult, at: iso(c.cancelResult.at) } : null,
    disabled: Object.fromEntries(Object.entries(c.disabled).map(([id, d]) => [id, { ...d, at: iso(d.at) }])),
    escalatedSymbols: Object.fromEntries(Object.entries(c.escalatedSymbols).map(([s, d]) => [s, { ...d, at: iso(d.at) }])),
    maxDisabledSymbols: c.maxDisabledSymbols,
    recentEscalations: c.records.slice(-50).map((r) => ({ ...r, at: iso(r.at) })),
  };
}
