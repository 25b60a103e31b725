import { intervalMs } from '../src/domain/types.ts';
import { StrategyFailedError, serializeError, toBybotError } from '../src/domain/errors.ts';
import { closedCandles } from '../src/core/data/validate.ts';
import { CLOSED_BREAKER } from '../src/core/supervision/breaker.ts';
import type { IndicatorResult } from '../src/core/strategy/contract.ts';
import { ownKernel, syncKernel } from './strategy.kernelSync.ts';
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
    settings: { params: input.params, cooldownMs: input.cooldownMs, maxStalenessMs: input.maxStalenessMs, breaker: input.breaker, risk: input.risk, startedAt, ...(input.ml ? { ml: input.ml } : {}) },
    correlationId: cycleId(input.actorId, startedAt, 0),
    breaker: CLOSED_BREAKER,
    counters: { iterations: 0, succeeded: 0, failed: 0, skipped: 0, degraded: 0, signals: 0, orders: 0, failuresByCode: {} },
    lastError: null,
    lastSkip: null,
    market: null,
    quality: null,
    kernel: null,
    lastIndicators: null,
    lastSignal: null,
    lastDecision: null,
    pendingEntry: null,
    lastOrder: null,
    stepError: null,
  };
}

/**
 * validating: keep only the closed candles, feed the kernel the ones it has not seen (or
 * build it from the warm-up window), and judge the kernel's window. Skips when the window is
 * unusable, or when the candle to decide on is the one the last signal was made on.
 */
export function validateStep(context: StrategyContext, market: MarketSnapshot, deps: StrategyMachineDeps): Patch {
  try {
    const definition = deps.resolveStrategy(context.strategyType);
    if (!definition) throw toBybotError(new Error(`unknown strategy type ${context.strategyType}`));
    const stepMs = intervalMs(context.settings.params.interval);
    const closed = closedCandles(market.candles, stepMs, market.now);
    const sync = syncKernel(context, definition, closed);
    const kernel = sync.kernel;
    if (kernel === null) {
      const detail = `the exchange's candles no longer continue the kernel's; ${closed.length} fetched, re-fetching the warm-up`;
      return {
        market: null,
        kernel: null,
        quality: { ok: false, severity: 'unusable', reasons: ['INSUFFICIENT_HISTORY'], detail, at: market.now },
        lastSkip: { reason: 'INSUFFICIENT_HISTORY', at: market.now, correlationId: context.correlationId },
      };
    }
    const owned = { kernel: { instance: kernel, version: kernel.version } };
    const verdict = kernel.verdict(market.now);
    if (!verdict.ok && verdict.severity === 'unusable') {
      const quality = { ok: false, severity: verdict.severity, reasons: verdict.reasons, detail: verdict.detail, at: market.now } as const;
      return { market: null, ...owned, quality, lastSkip: { reason: verdict.primary, at: market.now, correlationId: context.correlationId } };
    }
    const quality = verdict.ok
      ? ({ ok: true, severity: 'ok', reasons: [], detail: 'ok', at: market.now } as const)
      : ({ ok: false, severity: verdict.severity, reasons: verdict.reasons, detail: verdict.detail, at: market.now } as const);
    if (context.lastSignal && kernel.decisionStart <= context.lastSignal.candleStart) {
      return {
        market: null,
        ...owned,
        quality: { ...quality, detail: 'no new closed candle since the last signal' },
        lastSkip: { reason: 'NO_NEW_CANDLE', at: market.now, correlationId: context.correlationId },
      };
    }
    return { market, ...owned, quality };
  } catch (error) {
    return { market: null, stepError: recordError(error, market.now, context.correlationId) };
  }
}

/** True when validating decided to skip this iteration (no data worth a signal). */
export function shouldSkip(context: StrategyContext): boolean {
  return context.market === null;
}

/** A copy of the kernel's indicator reading (the strategy may reuse its object). */
function copyIndicators(reading: IndicatorResult | null): IndicatorResult | null {
  return reading ? { candleStart: reading.candleStart, close: reading.close, values: { ...reading.values } } : null;
}

/** signalling: the kernel's signal (full or degraded) -> risk decision -> entry order (if approved). */
export function signalStep(context: StrategyContext, deps: StrategyMachineDeps): Patch {
  const market = context.market;
  const now = market?.now ?? deps.now();
  try {
    const kernel = ownKernel(context);
    if (!market || !kernel) throw toBybotError(new Error('signalling without market data'));
    const evaluation = kernel.evaluate(market.now, deps.explain ?? true);
    if (evaluation.kind !== 'signal') return { pendingEntry: null };
    const { signal, degraded } = evaluation;
    const base: Patch = {
      lastIndicators: degraded ? context.lastIndicators : (copyIndicators(kernel.indicators()) ?? context.lastIndicators),
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

    const { decision, orderLinkId } = kernel.assess(signal, market.portfolio, market.instrument, market.tradingState);
    const lastDecision = { ...decision, at: now, correlationId: context.correlationId };
    if (!decision.allowed || orderLinkId === null) return { ...base, lastDecision };
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
        signal: { score: signal.score, factors: signal.factors, mode: signal.mode, ...(signal.regime !== undefined ? { regime: signal.regime } : {}) },
      },
    };
  } catch (error) {
    return { stepError: recordError(error, now, context.correlationId), pendingEntry: null };
  }
}

/** Clears per-iteration data so snapshots (and /actors) stay small between iterations. */
export const END_OF_ITERATION: Patch = { market: null, pendingEntry: null, stepError: null };
