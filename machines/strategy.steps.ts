import { intervalMs } from '../src/domain/types.ts';
import { StrategyFailedError, serializeError, toBybotError } from '../src/domain/errors.ts';
import { closedCandles, validateCandles } from '../src/core/data/validate.ts';
import { advanceIndicators, evaluateSignal } from '../src/core/strategy/runner.ts';
import { assessEntry } from '../src/core/risk/assess.ts';
import { buildOrderLinkId } from '../src/core/orders/orderLinkId.ts';
import { CLOSED_BREAKER } from '../src/core/supervision/breaker.ts';
import type { MarketSnapshot, RecordedError, StrategyActorInput, StrategyContext, StrategyMachineDeps } from './strategy.types.ts';

/**
 * The strategy machine's decisions as pure, total functions of (context, data). The
 * machine's assigns only call these; nothing here throws (a throwing action would leave
 * invoked children running, see STYLE.md pitfall 2a), so every failure is returned as
 * data and counted.
 */

export function recordError(error: unknown, at: number, correlationId: string): RecordedError {
  return { ...serializeError(error), at, correlationId };
}

export function cycleId(actorId: string, startedAt: number, cycle: number): string {
  return `${actorId}#${startedAt.toString(36)}.${cycle}`;
}

type Patch = Partial<StrategyContext>;

/** A fresh actor's context: breaker closed, no history (crash-only: restarts begin here). */
export function initialStrategyContext(input: StrategyActorInput, startedAt: number): StrategyContext {
  return {
    actorId: input.actorId,
    symbol: input.symbol,
    presetId: input.presetId,
    strategyType: input.strategyType,
    params: input.params,
    cooldownMs: input.cooldownMs,
    maxStalenessMs: input.maxStalenessMs,
    breakerConfig: input.breaker,
    risk: input.risk,
    startedAt,
    cycle: 0,
    correlationId: cycleId(input.actorId, startedAt, 0),
    breaker: CLOSED_BREAKER,
    counters: { iterations: 0, succeeded: 0, failed: 0, skipped: 0, degraded: 0, signals: 0, orders: 0 },
    failuresByCode: {},
    lastError: null,
    lastSkip: null,
    market: null,
    workingCandles: null,
    quality: null,
    indicatorState: undefined,
    lastCandleStart: null,
    lastIndicators: null,
    lastSignal: null,
    lastDecision: null,
    pendingEntry: null,
    lastOrder: null,
    stepError: null,
  };
}

/** validating: keep only closed candles, check their quality, decide whether this iteration can go on. */
export function validateStep(context: StrategyContext, market: MarketSnapshot, deps: StrategyMachineDeps): Patch {
  try {
    const definition = deps.resolveStrategy(context.strategyType);
    const stepMs = intervalMs(context.params.interval);
    const closed = closedCandles(market.candles, stepMs, market.now);
    const minCandles = definition ? definition.warmup(context.params) : 1;
    const result = validateCandles(closed, { intervalMs: stepMs, now: market.now, maxStalenessMs: context.maxStalenessMs, minCandles });
    if (result.ok) {
      const last = result.candles[result.candles.length - 1];
      if (last && context.lastSignal && last.start <= context.lastSignal.candleStart) {
        return {
          market,
          workingCandles: null,
          quality: { ok: true, severity: 'ok', reasons: [], detail: 'no new closed candle since the last signal', at: market.now },
          lastSkip: { reason: 'NO_NEW_CANDLE', at: market.now, correlationId: context.correlationId },
        };
      }
      return {
        market,
        workingCandles: result.candles,
        quality: { ok: true, severity: 'ok', reasons: [], detail: 'ok', at: market.now },
      };
    }
    const quality = { ok: false, severity: result.severity, reasons: result.reasons, detail: result.detail, at: market.now } as const;
    if (result.severity === 'unusable') {
      return { market, workingCandles: null, quality, lastSkip: { reason: result.primary, at: market.now, correlationId: context.correlationId } };
    }
    return { market, workingCandles: result.candles, quality };
  } catch (error) {
    return { market, workingCandles: null, stepError: recordError(error, market.now, context.correlationId) };
  }
}

/** True when validating decided to skip this iteration (no data worth a signal). */
export function shouldSkip(context: StrategyContext): boolean {
  return context.workingCandles === null;
}

/** signalling: indicators -> signal (full or degraded) -> risk decision -> entry order (if approved). */
export function signalStep(context: StrategyContext, deps: StrategyMachineDeps): Patch {
  const market = context.market;
  const candles = context.workingCandles;
  const now = market?.now ?? deps.now();
  try {
    const definition = deps.resolveStrategy(context.strategyType);
    if (!definition) throw toBybotError(new Error(`unknown strategy type ${context.strategyType}`));
    if (!market || !candles) throw toBybotError(new Error('signalling without market data'));
    const degraded = context.quality?.severity === 'degraded';

    // Degraded data must not poison the incremental indicator state: keep it for the full path only.
    const advanced = degraded
      ? { state: context.indicatorState, lastCandleStart: context.lastCandleStart, indicators: null }
      : advanceIndicators(definition, context.params, context.indicatorState, context.lastCandleStart ?? undefined, candles);
    const signal = evaluateSignal({
      definition,
      params: context.params,
      indicators: advanced.indicators,
      candles,
      degraded,
      strategyId: context.presetId,
      symbol: context.symbol,
    });
    const base: Patch = {
      indicatorState: advanced.state,
      lastCandleStart: advanced.lastCandleStart ?? null,
      lastIndicators: advanced.indicators ?? context.lastIndicators,
      lastSignal: signal,
      pendingEntry: null,
    };
    if (signal.fault) {
      // The strategy threw or returned an invalid decision: count it as a failed step (level 1),
      // which feeds the breaker, rather than silently treating it as "no signal".
      const fault = new StrategyFailedError(`strategy ${context.strategyType} failed: ${signal.fault}`);
      return { ...base, stepError: recordError(fault, now, context.correlationId) };
    }
    if (signal.action === 'none') return base;

    const decision = assessEntry({
      signal,
      instrument: market.instrument,
      portfolio: market.portfolio,
      limits: context.risk,
      tradingState: market.tradingState,
    });
    const lastDecision = { ...decision, at: now, correlationId: context.correlationId };
    if (!decision.allowed) return { ...base, lastDecision };
    const orderLinkId = buildOrderLinkId({
      strategyId: context.presetId,
      symbol: context.symbol,
      candleStart: signal.candleStart,
      side: decision.side,
      purpose: 'entry',
    });
    return {
      ...base,
      lastDecision,
      pendingEntry: {
        actorId: context.actorId,
        symbol: context.symbol,
        presetId: context.presetId,
        strategyType: context.strategyType,
        correlationId: context.correlationId,
        orderLinkId,
        candleStart: signal.candleStart,
        entry: decision,
      },
    };
  } catch (error) {
    return { stepError: recordError(error, now, context.correlationId), pendingEntry: null };
  }
}

/** Clears per-iteration data so snapshots (and /actors) stay small between iterations. */
export const END_OF_ITERATION: Patch = { market: null, workingCandles: null, pendingEntry: null, stepError: null };
