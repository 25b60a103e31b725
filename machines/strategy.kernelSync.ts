import type { Candle } from '../src/domain/types.ts';
import { StrategyKernel } from '../src/core/kernel/kernel.ts';
import { convergedWarmup } from '../src/core/kernel/warmup.ts';
import type { AnyStrategyDefinition } from '../src/core/strategy/contract.ts';
import type { MlBinding } from '../src/core/ml/filter.ts';
import type { StrategyContext } from './strategy.types.ts';

/**
 * How a strategy actor keeps its kernel in step with the candles it fetches. The actor
 * fetches only what the kernel has not seen (plus the kernel's newest row, to check that
 * the exchange still agrees with it); the first fetch (and after a restart) is the
 * warm-up: enough closed candles for converged indicators (src/core/kernel/warmup.ts).
 */

/** The actor's kernel, unless it is missing or was advanced by another context (then it is rebuilt). */
export function ownKernel(context: StrategyContext): StrategyKernel | null {
  const owned = context.kernel;
  return owned && owned.instance instanceof StrategyKernel && owned.instance.version === owned.version ? owned.instance : null;
}

/** Closed candles a fresh kernel ingests before its first decision (window or converged warm-up, whichever is longer). */
export function warmupCandles(def: AnyStrategyDefinition, params: StrategyContext['settings']['params'], ml?: MlBinding): number {
  // An ML model's declared history is part of the warm-up: the first fetch backfills it over REST.
  return Math.max(params.historyCandles - 1, convergedWarmup(def, params), ml?.model.requiredCandles ?? 0);
}

/**
 * Candles to ask the exchange for: the warm-up (+1 for the forming candle) when there is no
 * kernel; otherwise every candle since the kernel's newest row, that row included (+1 for
 * the forming candle). More than 1000 are fetched in pages.
 */
export function candlesToFetch(context: StrategyContext, def: AnyStrategyDefinition | undefined, now: number): number {
  const kernel = ownKernel(context);
  const { params, ml } = context.settings;
  const stepMs = Number(params.interval) * 60_000;
  if (!def) return params.historyCandles;
  if (!kernel || !Number.isFinite(kernel.lastStart)) return warmupCandles(def, params, ml) + 1;
  const since = Math.ceil((now - kernel.lastStart) / stepMs) + 1;
  // The kernel computed its warm-up once (the same rule: window, converged indicators, ML
  // history); re-deriving it here cost a convergedWarmup() per cycle of every actor.
  return Math.max(2, Math.min(since, kernel.warmupCandles + 1));
}

function sameRow(a: Candle, b: Candle): boolean {
  return (
    Object.is(a.start, b.start) &&
    Object.is(a.open, b.open) &&
    Object.is(a.high, b.high) &&
    Object.is(a.low, b.low) &&
    Object.is(a.close, b.close) &&
    Object.is(a.volume, b.volume) &&
    Object.is(a.turnover, b.turnover)
  );
}

/** Index in `closed` of the first row the kernel has not seen, or -1 when the window does not continue the kernel. */
function continuation(kernel: StrategyKernel, closed: readonly Candle[]): number {
  const last = kernel.lastRow();
  // A kernel that has seen nothing yet (its first fetch was empty) takes the window as it comes.
  if (last === null) return 0;
  for (let i = closed.length - 1; i >= 0; i--) {
    const row = closed[i]!;
    if (row.start === kernel.lastStart && Number.isFinite(row.start)) {
      // The exchange revised a candle the kernel already used: start over from the window.
      if (last.start === row.start && !sameRow(last, row)) return -1;
      return i + 1;
    }
  }
  // The kernel's newest row is missing: only a window wholly after it (nothing missed) continues.
  return closed.length === 0 ? 0 : closed[0]!.start === kernel.lastStart + kernel.intervalMs ? 0 : -1;
}

export interface KernelSync {
  /** Null when the kernel had to be dropped and the window is too short to rebuild it: the next fetch is a warm-up. */
  readonly kernel: StrategyKernel | null;
  /** Rows ingested by this sync. */
  readonly ingested: number;
  readonly rebuilt: boolean;
}

/**
 * Feeds the kernel the closed candles it has not seen. Without a kernel (first iteration,
 * restart) it is built from the fetched window, the warm-up. When the window does not
 * continue the kernel (a revised candle, missed rows) it is rebuilt from the window if the
 * window holds a full warm-up, and dropped otherwise.
 */
export function syncKernel(context: StrategyContext, def: AnyStrategyDefinition, closed: readonly Candle[]): KernelSync {
  const own = ownKernel(context);
  const from = own ? continuation(own, closed) : -1;
  if (own && from >= 0) {
    for (let i = from; i < closed.length; i++) own.ingestCandle(closed[i]!);
    return { kernel: own, ingested: closed.length - from, rebuilt: false };
  }
  if (own && closed.length < warmupCandles(def, context.settings.params, context.settings.ml)) return { kernel: null, ingested: 0, rebuilt: true };
  const kernel = new StrategyKernel({
    definition: def,
    params: context.settings.params,
    symbol: context.symbol,
    presetId: context.presetId,
    risk: context.settings.risk,
    maxStalenessMs: context.settings.maxStalenessMs,
    ...(context.settings.ml ? { ml: context.settings.ml } : {}),
  });
  for (const row of closed) kernel.ingestCandle(row);
  return { kernel, ingested: closed.length, rebuilt: true };
}
