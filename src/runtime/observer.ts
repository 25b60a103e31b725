import { performance } from 'node:perf_hooks';
import { REGIME_LABELS } from '../core/indicators/regime.ts';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import type { StrategyContext, StrategyStateName } from '../../machines/strategy.types.ts';
import type { SystemSupervisorContext } from '../../supervisors/system.supervisor.ts';
import type { EscalationRecord } from '../../supervisors/escalation.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Clock } from '../ports/clock.ts';
import { toIso } from '../ports/clock.ts';
import type { ActorRegistry, TransitionRecord } from './actorRegistry.ts';
import type { TradingGate } from './tradingGate.ts';

interface SnapshotLike {
  readonly status: 'active' | 'done' | 'error' | 'stopped';
  readonly value: unknown;
  readonly context: unknown;
  readonly machine?: { readonly id: string };
}

/**
 * Turns the actor system's inspection stream into the read model (/actors), structured
 * logs and Prometheus metrics. It only observes: it never sends events, so a bug here
 * cannot change a trading decision. Machines stay free of logging side effects.
 */
export class RuntimeObserver {
  private readonly cycleStarted = new Map<string, number>();
  /** Labelled children of the per-cycle histogram and counter, by label values (same reason as the gauges). */
  private readonly children = new Map<string, unknown>();
  /** When an actor received the event it is processing now (TICK or fetch result): its cycle or decision time starts. */
  private readonly eventReceived = new Map<string, number>();
  /** When an actor entered `ordering`: the order's round trip starts. */
  private readonly orderingSince = new Map<string, number>();

  constructor(
    private readonly deps: {
      readonly registry: ActorRegistry;
      readonly logger: Logger;
      readonly metrics: Metrics;
      readonly clock: Clock;
      readonly gate: TradingGate;
    },
  ) {}

  readonly inspect = (event: InspectionEvent): void => {
    if (event.type === '@xstate.event') {
      // The validating -> signalling -> ordering steps run synchronously on the market answer:
      // the time from its arrival to the snapshot it produces is what the decision cost
      // (durationMs). An answer from memory is raised inside the TICK's own step (the actor
      // goes idle -> cooldown in one snapshot), so the TICK's arrival starts both the cycle
      // and, then, the decision; a REST answer arrives later as its own MARKET event.
      // The breaker's timer starts the half-open attempt (broken -> fetching) as a TICK starts
      // a cycle, and with an answer from memory the decision runs in that same step: without
      // its arrival time the attempt's signal and risk lines had no durationMs.
      const type = (event.event as { type?: string }).type ?? '';
      const cycleEvent = type === 'TICK' || type === 'MARKET' || type === 'MARKET_FAILED';
      if (!cycleEvent && !type.startsWith('xstate.after.')) return;
      const id = (event.actorRef as AnyActorRef).id;
      const entry = this.deps.registry.get(id);
      if (entry && (cycleEvent || entry.state === 'broken')) this.eventReceived.set(id, performance.now());
      return;
    }
    if (event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as unknown as SnapshotLike;
    const machineId = snapshot.machine?.id;
    if (machineId === 'strategy') this.onStrategy((event.actorRef as AnyActorRef).id, snapshot, event.event.type);
    else if (machineId === 'system') this.onSystem(snapshot);
  };

  /** Escalation records emitted by the system supervisor (levels 1-3 funnel through it). */
  onEscalation(record: EscalationRecord): void {
    this.deps.metrics.escalations.inc({ level: record.level, kind: record.kind, code: record.code });
    const fields = {
      event: 'escalation',
      escalationLevel: record.level,
      kind: record.kind,
      code: record.code,
      reason: record.reason,
      correlationId: record.correlationId,
      actor: record.actorId,
      symbol: record.symbol,
      strategy: record.actorId?.split(':')[1],
      at: toIso(record.at),
    };
    const message = `escalation ${record.level}/${record.kind}: ${record.reason}`;
    // A daily-loss pause is the configured answer to a bad day, not a failure: warn, and info when it lifts.
    // An operator's resume or enable is good news, not an error, whatever its level.
    if (record.kind === 'daily_loss_pause_end' || record.kind === 'resumed' || record.kind === 'strategy_enabled') this.deps.logger.info(fields, message);
    else if (record.kind === 'daily_loss_pause') this.deps.logger.warn(fields, message);
    else if (record.level === 'system') this.deps.logger.error(fields, message);
    else if (record.level === 'symbol') this.deps.logger.warn(fields, message);
    else this.deps.logger.info(fields, message);
  }

  /** A metric's child for fixed label values, made once (every cycle of every actor observes). */
  private child<T>(key: string, make: () => T): T {
    let child = this.children.get(key) as T | undefined;
    if (child === undefined) {
      child = make();
      this.children.set(key, child);
    }
    return child;
  }

  /** The system supervisor's snapshot: the trading gate follows its trading state. */
  observeSystem(snapshot: unknown): void {
    this.onSystem(snapshot as SnapshotLike);
  }

  private onSystem(snapshot: SnapshotLike): void {
    const context = snapshot.context as SystemSupervisorContext;
    const stopping = snapshot.value === 'stopping' || snapshot.value === 'stopped';
    if (!stopping) this.deps.gate.set(context.tradingState, context.halt?.reason ?? context.pause?.reason ?? '');
    this.deps.metrics.tradingHalted.set(context.tradingState === 'HALTED' || stopping ? 1 : 0);
    this.deps.metrics.disabledStrategies.set(Object.keys(context.disabled).length);
  }

  private onStrategy(actorId: string, snapshot: SnapshotLike, eventType: string): void {
    const context = snapshot.context as StrategyContext;
    const state = (typeof snapshot.value === 'string' ? snapshot.value : 'idle') as StrategyStateName;
    const previous = this.deps.registry.get(actorId);
    const status = snapshot.status === 'active' ? 'active' : snapshot.status === 'error' ? 'error' : 'stopped';
    // correlationId is not a binding: a line about another iteration (a failure) names its own,
    // and a key bound twice would appear twice in the JSON line.
    const log = lazyChild(this.deps.logger, () => ({ actor: actorId, symbol: context.symbol, strategy: context.presetId }));
    const labels = { symbol: context.symbol, strategy: context.presetId };
    // Left idle (a TICK) or broken (the half-open attempt): a cycle starts; when the market
    // answer came from memory it also ended in this same step, past fetching.
    const cycleStart = (previous?.state === 'idle' || previous?.state === 'broken') && state !== previous.state;
    const answered = eventType === 'MARKET' || eventType === 'MARKET_FAILED' || (cycleStart && state !== 'fetching');
    const received = eventType === 'TICK' || answered || cycleStart ? this.eventReceived.get(actorId) : undefined;
    if (received !== undefined) this.eventReceived.delete(actorId);
    const decisionMs = received === undefined || !answered ? null : round(performance.now() - received);

    let transition: TransitionRecord | null = null;
    let lastCycleMs: number | null = null;
    if (!previous || previous.state !== state) {
      transition = { at: this.deps.clock.now(), from: previous?.state ?? '(start)', to: state, event: eventType, correlationId: context.correlationId };
      if (cycleStart || state === 'fetching') this.cycleStarted.set(actorId, received ?? performance.now());
      if (state === 'ordering') this.orderingSince.set(actorId, performance.now());
      if (state === 'cooldown' || state === 'broken') {
        const started = this.cycleStarted.get(actorId);
        if (started !== undefined) {
          lastCycleMs = performance.now() - started;
          this.cycleStarted.delete(actorId);
          const failed = previous && context.counters.failed > previous.context.counters.failed;
          const outcome = state === 'broken' ? 'broken' : failed ? 'failed' : context.counters.skipped > (previous?.context.counters.skipped ?? 0) ? 'skipped' : 'ok';
          this.child(`c|${labels.symbol}|${labels.strategy}|${outcome}`, () => this.deps.metrics.cycleDuration.labels({ ...labels, outcome })).observe(lastCycleMs / 1000);
        }
      }
      if (state === 'broken') {
        this.deps.metrics.breakerTrips.inc(labels);
        log.warn(
          { event: 'breaker_open', correlationId: context.correlationId, trips: context.breaker.trips, consecutiveFailures: context.breaker.consecutiveFailures, openMs: context.settings.breaker.openMs, lastError: context.lastError },
          `circuit breaker open after ${context.breaker.consecutiveFailures} consecutive failures`,
        );
      }
      log.debug({ event: 'transition', correlationId: context.correlationId, from: transition.from, to: state, cause: eventType }, `${transition.from} -> ${state}`);
    }
    if (status !== 'active' && previous?.status === 'active') {
      log.info({ event: 'actor_stopped', correlationId: context.correlationId, status, state }, `actor ${status}`);
    }

    if (previous) this.logChanges(previous.context, context, log, labels, previous.state, { decisionMs, orderMs: this.orderMs(actorId, previous.context, context) });
    this.deps.registry.update(actorId, context, state, status, transition, lastCycleMs, decisionMs);
  }

  /** Round trip of the order whose result just arrived (ms), or null. */
  private orderMs(actorId: string, before: StrategyContext, after: StrategyContext): number | null {
    if (!after.lastOrder || after.lastOrder === before.lastOrder) return null;
    const since = this.orderingSince.get(actorId);
    this.orderingSince.delete(actorId);
    return since === undefined ? null : round(performance.now() - since);
  }

  private logChanges(
    before: StrategyContext,
    after: StrategyContext,
    log: ActorLog,
    labels: { symbol: string; strategy: string },
    previousState: string,
    timing: { readonly decisionMs: number | null; readonly orderMs: number | null },
  ): void {
    const { metrics } = this.deps;
    const correlationId = after.correlationId;
    if (after.counters.failed > before.counters.failed && after.lastError) {
      const e = after.lastError;
      metrics.iterationFailures.inc({ ...labels, code: e.code });
      if (previousState === 'ordering') metrics.orders.inc({ ...labels, side: before.pendingEntry?.entry.side ?? '', result: 'failed' });
      log.warn(
        { event: 'iteration_failed', escalationLevel: 'strategy', code: e.code, errorLevel: e.level, err: e.message, consecutiveFailures: after.breaker.consecutiveFailures, correlationId: e.correlationId },
        `iteration failed (${e.code}): ${e.message}`,
      );
    }
    if (after.counters.skipped > before.counters.skipped && after.lastSkip) {
      metrics.iterationsSkipped.inc({ ...labels, reason: after.lastSkip.reason });
      const level = after.lastSkip.reason === 'NO_NEW_CANDLE' ? 'debug' : 'info';
      log[level]({ event: 'iteration_skipped', reason: after.lastSkip.reason, detail: after.quality?.detail }, `iteration skipped: ${after.lastSkip.reason}`);
    }
    if (after.quality && after.quality !== before.quality && !after.quality.ok) {
      for (const reason of after.quality.reasons) metrics.dataQuality.inc({ symbol: labels.symbol, reason, severity: after.quality.severity });
    }
    const signal = after.lastSignal;
    if (signal && signal !== before.lastSignal) {
      this.child(`s|${labels.symbol}|${labels.strategy}|${signal.action}|${signal.mode}`, () => metrics.signals.labels({ ...labels, action: signal.action, mode: signal.mode })).inc();
      if (signal.regime !== undefined && signal.regime !== before.lastSignal?.regime) {
        for (const regime of REGIME_LABELS) metrics.marketRegime.set({ ...labels, regime }, regime === signal.regime ? 1 : 0);
      }
      if (signal.action !== 'none') {
        metrics.confluenceScore.observe({ strategy: labels.strategy }, signal.score);
        log.info(
          { event: 'signal', correlationId, durationMs: timing.decisionMs, action: signal.action, mode: signal.mode, score: signal.score, factors: signal.factors, regime: signal.regime, price: signal.price, stopLoss: signal.stopLoss, takeProfit: signal.takeProfit, candle: toIso(signal.candleStart), reason: signal.reason },
          `signal ${signal.action} (${signal.mode}, score ${signal.score})`,
        );
      }
    }
    const decision = after.lastDecision;
    if (decision && decision !== before.lastDecision) {
      if (decision.allowed) {
        metrics.riskDecisions.inc({ ...labels, result: 'allowed', code: 'OK' });
        log.info(
          { event: 'risk_decision', correlationId, durationMs: timing.decisionMs, allowed: true, side: decision.side, qty: decision.qty, notional: decision.notional, riskAmount: decision.riskAmount, leverage: decision.leverage, cappedBy: decision.cappedBy },
          `risk allowed ${decision.side} ${decision.qty}: ${decision.reason}`,
        );
      } else {
        metrics.riskDecisions.inc({ ...labels, result: 'denied', code: decision.code });
        log.info({ event: 'risk_decision', correlationId, durationMs: timing.decisionMs, allowed: false, code: decision.code, reason: decision.reason }, `risk denied (${decision.code}): ${decision.reason}`);
      }
    }
    const order = after.lastOrder;
    if (order && order !== before.lastOrder) {
      metrics.orders.inc({ ...labels, side: order.side, result: order.adopted ? 'adopted' : 'placed' });
      log.info(
        { event: 'order', correlationId, durationMs: timing.orderMs, orderLinkId: order.orderLinkId, orderId: order.orderId, status: order.status, side: order.side, qty: order.qty, filledQty: order.filledQty, avgPrice: order.avgPrice, adopted: order.adopted, ...(order.note ? { note: order.note } : {}) },
        `entry ${order.side} ${order.qty} ${order.status}${order.adopted ? ' (found existing order by orderLinkId)' : ''}`,
      );
    }
  }
}

/** The few logger methods the observer uses on an actor's lines. */
export type ActorLog = Pick<Logger, 'debug' | 'info' | 'warn'>;

/**
 * A child logger created only when a line is actually written: creating pino children (with
 * redaction) for every snapshot of every actor dominated the cost of observing a backtest.
 * A class, not closures: closures made per snapshot cost more than the work they guard.
 */
class LazyChild {
  private child: Logger | undefined;
  constructor(
    private readonly logger: Logger,
    private readonly bindings: () => Record<string, unknown>,
  ) {}
  private write(level: 'debug' | 'info' | 'warn', args: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    this.child ??= this.logger.child(this.bindings());
    (this.child[level] as (...a: unknown[]) => void)(...args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
}

function lazyChild(logger: Logger, bindings: () => Record<string, unknown>): ActorLog {
  return new LazyChild(logger, bindings) as unknown as ActorLog;
}

const round = (ms: number): number => Math.round(ms * 100) / 100;
