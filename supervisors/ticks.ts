import type { AnyActorRef } from 'xstate';
import { hashString } from '../src/core/rng.ts';
import { intervalMs } from '../src/domain/types.ts';
import type { StrategyActorInput } from '../machines/strategy.types.ts';

/** What the tick handlers read of a symbol supervisor's context. */
export interface TickContext {
  readonly symbol: string;
  readonly specs: Readonly<Record<string, StrategyActorInput>>;
  readonly running: readonly string[];
  readonly fallbackOffsetMs: number;
  readonly lastClosed: LastClosed;
}

/**
 * Newest confirmed candle start per interval (ms), one entry per interval. A list, not an
 * object keyed by the interval: a key like 60000 is an array index to V8, and copying such a
 * sparse object on every close took the slow generic path (about 2.4 us per close).
 */
export type LastClosed = readonly { readonly intervalMs: number; readonly start: number }[];

/** The newest confirmed candle start of an interval, or -Infinity before the first. */
export function lastCloseOf(lastClosed: LastClosed, intervalMs: number): number {
  for (const entry of lastClosed) if (entry.intervalMs === intervalMs) return entry.start;
  return Number.NEGATIVE_INFINITY;
}

function withClose(lastClosed: LastClosed, intervalMs: number, start: number): LastClosed {
  const next = lastClosed.filter((entry) => entry.intervalMs !== intervalMs);
  next.push({ intervalMs, start });
  return next;
}

interface TickEnqueue {
  sendTo(ref: AnyActorRef, event: { type: 'TICK' }): void;
  raise(event: { type: 'TICK_TIMER'; intervalMs: number }, options: { delay: number; id: string }): void;
  cancel(id: string): void;
  assign(patch: { lastClosed: LastClosed }): void;
}

type ActorLookup = { get(id: string): AnyActorRef | undefined };

/** A confirmed close not seen before for its interval (the stream may repeat or backfill). */
export function isNewClose(context: TickContext, event: { readonly intervalMs: number; readonly start: number }): boolean {
  return !(event.start <= lastCloseOf(context.lastClosed, event.intervalMs));
}

/**
 * CANDLE_CLOSED: the cycles of that interval's actors start now; the close is remembered, and
 * the fallback timer moves on to the next close. The fallback pending for this close would
 * only find it confirmed and re-arm, so it is re-armed here instead: the same ticks, without
 * waking the supervisor (and a lock-step clock) at every close + fallback delay for nothing.
 */
export function onCandleClosed(context: TickContext, event: { readonly intervalMs: number; readonly start: number }, now: number, system: ActorLookup, enqueue: TickEnqueue): void {
  tickChildren(context, event.intervalMs, system, enqueue);
  enqueue.assign({ lastClosed: withClose(context.lastClosed, event.intervalMs, event.start) });
  // The next close after the confirmed one, plus the offset: a confirm older than that (a
  // backfill after an outage) leaves the timer as it is.
  const nextFallback = event.start + 2 * event.intervalMs + context.fallbackOffsetMs;
  if (nextFallback <= now) return;
  const id = `tick:${event.intervalMs}`;
  enqueue.cancel(id);
  enqueue.raise({ type: 'TICK_TIMER', intervalMs: event.intervalMs }, { delay: nextFallback - now, id });
}

/**
 * TICK_TIMER (the fallback after each close, and the first tick at start): ticks the actors
 * when the stream had not confirmed the close it stands in for (counted as degraded), then
 * re-arms for the next close.
 */
export function onTickTimer(
  context: TickContext,
  event: { readonly intervalMs: number; readonly initial?: boolean },
  now: number,
  system: ActorLookup,
  enqueue: TickEnqueue,
  onFallbackTick?: (symbol: string, intervalMs: number) => void,
  streamConfirmed?: (symbol: string, intervalMs: number) => number,
): void {
  const close = Math.floor((now - context.fallbackOffsetMs) / event.intervalMs) * event.intervalMs;
  // Confirmed: dispatched here already, or confirmed by the stream and on its way (queued behind other symbols' closes).
  const newest = Math.max(lastCloseOf(context.lastClosed, event.intervalMs), streamConfirmed?.(context.symbol, event.intervalMs) ?? Number.NEGATIVE_INFINITY);
  const confirmed = newest >= close - event.intervalMs;
  if (event.initial || !confirmed) {
    tickChildren(context, event.intervalMs, system, enqueue);
    if (!event.initial) onFallbackTick?.(context.symbol, event.intervalMs);
  }
  const delay = nextTickDelay(now, event.intervalMs, context.fallbackOffsetMs);
  enqueue.raise({ type: 'TICK_TIMER', intervalMs: event.intervalMs }, { delay, id: `tick:${event.intervalMs}` });
}


/** ms from `now` to the next candle close of `stepMs` plus `offsetMs` (candles are epoch-aligned), strictly after now. */
export function nextTickDelay(now: number, stepMs: number, offsetMs: number): number {
  return Math.floor((now - offsetMs) / stepMs) * stepMs + stepMs + offsetMs - now;
}

/** The distinct candle intervals (ms) a symbol's strategy actors use, ascending: one tick timer each. */
export function intervalsOf(context: { readonly specs: Readonly<Record<string, StrategyActorInput>> }): number[] {
  return [...new Set(Object.values(context.specs).map((s) => intervalMs(s.params.interval)))].sort((a, b) => a - b);
}

/** Sends TICK to the running strategy actors of one interval. */
function tickChildren(context: TickContext, stepMs: number, system: ActorLookup, enqueue: Pick<TickEnqueue, 'sendTo'>): void {
  for (const id of context.running) {
    const spec = context.specs[id];
    if (!spec || intervalMs(spec.params.interval) !== stepMs) continue;
    const ref = system.get(id);
    if (ref) enqueue.sendTo(ref, { type: 'TICK' });
  }
}

/** The symbol's place in the stagger window: stable, spread evenly by a hash of the name. */
export function staggerOf(symbol: string, staggerMs: number): number {
  return staggerMs > 0 ? hashString(symbol) % Math.floor(staggerMs) : 0;
}
